/** A typed injection token. The type parameter is carried only at compile time. */
export interface Token<T> {
  readonly key: symbol;
  readonly name: string;
  /** Phantom field so Token<A> and Token<B> do not unify; never set. */
  readonly __type?: T;
}

export type AnyToken = Token<unknown>;
export type TokenType<K> = K extends Token<infer T> ? T : never;

export function createToken<T>(name: string): Token<T> {
  return Object.freeze({ key: Symbol(name), name });
}
