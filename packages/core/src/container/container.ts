import 'reflect-metadata';
import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { MetisError } from '../errors/metis-error.js';
import type { Token } from './token.js';

export type Factory<T> = (c: Container) => T;

/**
 * A small typed face on tsyringe. Registration is always explicit (a value or a factory under a token),
 * so nothing depends on emitted decorator metadata. Plugins only ever see this class.
 */
export class Container {
  private readonly inner: DependencyContainer;

  constructor(inner?: DependencyContainer) {
    this.inner = inner ?? rootContainer.createChildContainer();
  }

  /** Registers a value under the token, replacing any earlier registration in this container. */
  value<T>(token: Token<T>, value: T): this {
    this.inner.register(token.key, { useValue: value });
    return this;
  }

  /** Registers a singleton factory: created on first resolve, then cached. */
  factory<T>(token: Token<T>, factory: Factory<T>): this {
    this.inner.register(token.key, { useFactory: instanceCachingFactory((dc) => factory(new Container(dc))) });
    return this;
  }

  /** Adds one more value to a multi-token (read back with `all`). */
  add<T>(token: Token<T>, value: T): this {
    this.inner.register(token.key, { useValue: value });
    return this;
  }

  has(token: Token<unknown>): boolean {
    return this.inner.isRegistered(token.key, true);
  }

  resolve<T>(token: Token<T>): T {
    if (!this.has(token)) throw new MetisError('TOKEN_NOT_REGISTERED', { token: token.name });
    return this.inner.resolve<T>(token.key);
  }

  tryResolve<T>(token: Token<T>): T | undefined {
    return this.has(token) ? this.inner.resolve<T>(token.key) : undefined;
  }

  /** Every value added under a multi-token, in registration order; empty when none. */
  all<T>(token: Token<T>): T[] {
    return this.has(token) ? this.inner.resolveAll<T>(token.key) : [];
  }

  /** A child scope: sees the parent's registrations; its own registrations stay in it. */
  child(): Container {
    return new Container(this.inner.createChildContainer());
  }
}
