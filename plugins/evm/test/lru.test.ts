import { describe, expect, it } from 'vitest';
import { Lru } from '../src/storage/lru.js';

describe('Lru', () => {
  it('evicts the least recently used entry; get refreshes an entry, peek does not', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3); // evicts b
    expect([lru.peek('a'), lru.peek('b'), lru.peek('c')]).toEqual([1, undefined, 3]);
    expect(lru.peek('a')).toBe(1); // a stays the oldest
    lru.set('d', 4); // evicts a
    expect([lru.peek('a'), lru.peek('c'), lru.peek('d')]).toEqual([undefined, 3, 4]);
  });
});
