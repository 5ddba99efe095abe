import { MetisError } from '../errors/metis-error.js';
import { StageError } from '../errors/stage-error.js';

export type Next = () => Promise<void>;
export type Middleware<C> = (ctx: C, next: Next) => Promise<void> | void;
/** The innermost layer of a stage: does the stage's work, has no `next`. */
export type Provider<C> = (ctx: C) => Promise<void> | void;

export interface Layer<C> {
  readonly plugin: string;
  readonly fn: Middleware<C>;
}

/**
 * koa-compose's onion with two additions: each layer carries its plugin id, and an error thrown by a layer
 * is wrapped once in a StageError naming the stage and that plugin; errors already wrapped pass through
 * unchanged, so outer layers can catch or translate them.
 */
export function compose<C>(stage: string, layers: readonly Layer<C>[]): (ctx: C) => Promise<void> {
  return function run(ctx: C): Promise<void> {
    let last = -1;
    const dispatch = (i: number): Promise<void> => {
      const layer = layers[i];
      if (i <= last) {
        // Only layer i-1 holds this `next`: it called it a second time.
        return Promise.reject(new MetisError('MIDDLEWARE_NEXT_TWICE', { stage, plugin: layers[i - 1]?.plugin ?? '?' }));
      }
      last = i;
      if (!layer) return Promise.resolve();
      try {
        return Promise.resolve(layer.fn(ctx, () => dispatch(i + 1))).catch((e: unknown) => {
          throw wrap(stage, layer.plugin, e);
        });
      } catch (e) {
        return Promise.reject(wrap(stage, layer.plugin, e));
      }
    };
    return dispatch(0);
  };
}

function wrap(stage: string, plugin: string, e: unknown): StageError {
  return e instanceof StageError ? e : new StageError(stage, plugin, e);
}
