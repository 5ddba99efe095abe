/**
 * Runs tasks one at a time per key, in call order; different keys run concurrently. Used to serialize the
 * validation of one sender's transactions so two with the same nonce cannot both pass.
 */
export class KeyedMutex<K> {
  private readonly tails = new Map<K, Promise<void>>();

  run<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // Uncontended: start at once (no extra turn); contended: after the previous task settles either way.
    const result = previous ? previous.then(task) : task();
    const tail = result.then(noop, noop);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}

function noop(): void {}
