import { MetisError } from './metis-error.js';

/** An error that escaped a stage's middleware or provider, wrapped once with the stage and plugin id. */
export class StageError extends MetisError {
  readonly stage: string;
  readonly plugin: string;

  constructor(stage: string, plugin: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('STAGE_FAILED', { stage, plugin, reason }, { cause });
    this.name = 'StageError';
    this.stage = stage;
    this.plugin = plugin;
  }
}
