import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { MetisError } from '../errors/metis-error.js';
import { Container } from './container.js';
import { createToken, type Token, type TokenType } from './token.js';

interface Clock {
  now(): number;
}

function thrown(fn: () => unknown): MetisError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MetisError);
    return e as MetisError;
  }
  throw new Error('expected a throw');
}

describe('createToken', () => {
  it('makes frozen tokens with a unique key, even for the same name', () => {
    const a = createToken<number>('n');
    const b = createToken<number>('n');
    expect(a.name).toBe('n');
    expect(typeof a.key).toBe('symbol');
    expect(a.key).not.toBe(b.key);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('carries its type at compile time', () => {
    const CLOCK = createToken<Clock>('clock');
    expectTypeOf(CLOCK).toEqualTypeOf<Token<Clock>>();
    expectTypeOf<TokenType<typeof CLOCK>>().toEqualTypeOf<Clock>();
    const c = new Container().value(CLOCK, { now: () => 1 });
    expectTypeOf(c.resolve(CLOCK)).toEqualTypeOf<Clock>();
    expectTypeOf(c.tryResolve(CLOCK)).toEqualTypeOf<Clock | undefined>();
    expectTypeOf(c.all(CLOCK)).toEqualTypeOf<Clock[]>();
  });
});

describe('Container', () => {
  it('resolves values by token, keeping tokens with the same name apart', () => {
    const A = createToken<string>('same');
    const B = createToken<string>('same');
    const c = new Container().value(A, 'a').value(B, 'b');
    expect(c.resolve(A)).toBe('a');
    expect(c.resolve(B)).toBe('b');
  });

  it('returns the very object registered', () => {
    const CLOCK = createToken<Clock>('clock');
    const clock = { now: () => 42 };
    expect(new Container().value(CLOCK, clock).resolve(CLOCK)).toBe(clock);
  });

  it('a later value replaces an earlier one for resolve', () => {
    const N = createToken<number>('n');
    expect(new Container().value(N, 1).value(N, 2).resolve(N)).toBe(2);
  });

  it('stores falsy values faithfully', () => {
    const N = createToken<number>('n');
    const S = createToken<string>('s');
    const B = createToken<boolean>('b');
    const c = new Container().value(N, 0).value(S, '').value(B, false);
    expect(c.resolve(N)).toBe(0);
    expect(c.resolve(S)).toBe('');
    expect(c.resolve(B)).toBe(false);
  });

  it('resolving an unregistered token throws TOKEN_NOT_REGISTERED with its name', () => {
    const MISSING = createToken<number>('missing-thing');
    const err = thrown(() => new Container().resolve(MISSING));
    expect(err.is('TOKEN_NOT_REGISTERED')).toBe(true);
    expect(err.code).toBe('METIS-107');
    expect(err.args).toMatchObject({ token: 'missing-thing' });
  });

  it('has and tryResolve report registration without throwing', () => {
    const N = createToken<number>('n');
    const c = new Container();
    expect(c.has(N)).toBe(false);
    expect(c.tryResolve(N)).toBeUndefined();
    c.value(N, 5);
    expect(c.has(N)).toBe(true);
    expect(c.tryResolve(N)).toBe(5);
  });

  it('factories are lazy singletons: created on first resolve, once', () => {
    const CLOCK = createToken<Clock>('clock');
    const factory = vi.fn(() => ({ now: () => 7 }));
    const c = new Container().factory(CLOCK, factory);
    expect(c.has(CLOCK)).toBe(true);
    expect(factory).not.toHaveBeenCalled();
    const first = c.resolve(CLOCK);
    const second = c.resolve(CLOCK);
    expect(first).toBe(second);
    expect(c.tryResolve(CLOCK)).toBe(first);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('factories receive a container to resolve their own dependencies', () => {
    const BASE = createToken<number>('base');
    const DOUBLE = createToken<number>('double');
    const c = new Container().factory(DOUBLE, (cx) => cx.resolve(BASE) * 2).value(BASE, 21);
    expect(c.resolve(DOUBLE)).toBe(42);
  });

  it('a factory that throws is retried on the next resolve', () => {
    const N = createToken<number>('n');
    let calls = 0;
    const c = new Container().factory(N, () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls;
    });
    expect(() => c.resolve(N)).toThrow();
    expect(c.resolve(N)).toBe(2);
    expect(c.resolve(N)).toBe(2);
  });

  it('separate containers do not share registrations', () => {
    const N = createToken<number>('n');
    const a = new Container().value(N, 1);
    const b = new Container();
    expect(b.has(N)).toBe(false);
    expect(a.resolve(N)).toBe(1);
  });

  it('a child sees its parent registrations, including ones made after the child was created', () => {
    const BEFORE = createToken<string>('before');
    const AFTER = createToken<string>('after');
    const parent = new Container().value(BEFORE, 'p1');
    const child = parent.child();
    parent.value(AFTER, 'p2');
    expect(child.resolve(BEFORE)).toBe('p1');
    expect(child.resolve(AFTER)).toBe('p2');
    expect(child.has(AFTER)).toBe(true);
  });

  it("a child's own registrations stay in the child and shadow the parent's", () => {
    const LOCAL = createToken<string>('local');
    const SHARED = createToken<string>('shared');
    const parent = new Container().value(SHARED, 'parent');
    const child = parent.child().value(LOCAL, 'child').value(SHARED, 'child');
    expect(child.resolve(LOCAL)).toBe('child');
    expect(child.resolve(SHARED)).toBe('child');
    expect(parent.has(LOCAL)).toBe(false);
    expect(thrown(() => parent.resolve(LOCAL)).is('TOKEN_NOT_REGISTERED')).toBe(true);
    expect(parent.resolve(SHARED)).toBe('parent');
    const sibling = parent.child();
    expect(sibling.has(LOCAL)).toBe(false);
  });

  it('a parent factory singleton is shared with children', () => {
    const OBJ = createToken<object>('obj');
    const factory = vi.fn(() => ({}));
    const parent = new Container().factory(OBJ, factory);
    const child = parent.child();
    expect(child.resolve(OBJ)).toBe(parent.resolve(OBJ));
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('multi-tokens: add collects values in registration order, all reads them back', () => {
    const RPC = createToken<{ ns: string }>('rpc');
    const c = new Container();
    expect(c.all(RPC)).toEqual([]);
    const eth = { ns: 'eth' };
    c.add(RPC, eth).add(RPC, { ns: 'net' }).add(RPC, { ns: 'metis' });
    const all = c.all(RPC);
    expect(all.map((r) => r.ns)).toEqual(['eth', 'net', 'metis']);
    expect(all[0]).toBe(eth);
  });

  it('a child sees the multi-token values added to its parent', () => {
    const RPC = createToken<string>('rpc');
    const parent = new Container().add(RPC, 'eth').add(RPC, 'net');
    expect(parent.child().all(RPC)).toEqual(['eth', 'net']);
  });
});
