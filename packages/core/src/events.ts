import { EventEmitter } from 'node:events';
import type { Batch, PooledTx, SealedBlock } from './types/chain.js';

/** Events every node emits. Plugins add their own by declaring more keys on this interface. */
export interface NodeEvents {
  /** A block was executed and durably stored. */
  block: [block: SealedBlock];
  /** A transaction entered the pool. */
  pending: [tx: PooledTx];
  /** A batch was committed, or its status changed. */
  batch: [batch: Batch];
  /** L1 deposits became ready for inclusion (DEPOSIT_QUEUE); the index of the last one. */
  deposits: [lastIndex: bigint];
}

type Args<E, K extends keyof E> = E[K] extends unknown[] ? E[K] : never;

/** A typed event emitter. A listener that throws is reported to `error` listeners, never to the emitter. */
export class EventBus<E extends object> {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: Args<E, K>) => void): () => void {
    const safe = (...args: unknown[]): void => {
      try {
        listener(...(args as Args<E, K>));
      } catch (e) {
        if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', e);
      }
    };
    this.emitter.on(event, safe);
    return () => this.emitter.off(event, safe);
  }

  onError(listener: (e: unknown) => void): () => void {
    this.emitter.on('error', listener);
    return () => this.emitter.off('error', listener);
  }

  emit<K extends keyof E & string>(event: K, ...args: Args<E, K>): void {
    this.emitter.emit(event, ...args);
  }
}
