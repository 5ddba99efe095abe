import type { Io } from '../io.js';
import type { RunNodeOptions } from '../run-node.js';

/** What every command gets besides its options. */
export interface CommandContext {
  io: Io;
  /** Base of relative paths given on the command line. Defaults to the working directory. */
  cwd?: string;
  /** Passed through to runNode (tests replace signals, exit and the endpoint lookup). */
  run?: Pick<RunNodeOptions, 'signals' | 'exit' | 'endpoints'>;
}
