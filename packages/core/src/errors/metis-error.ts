import { ERRORS, type ErrorDescriptor, type ErrorName } from './descriptors.js';

export type ErrorArgs = Record<string, string | number | bigint | boolean | undefined>;

function format(template: string, args: ErrorArgs): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => (key in args ? String(args[key]) : `{${key}}`));
}

/**
 * The one error class of Metis. Built from a numbered descriptor; `code` is stable (`METIS-405`),
 * `descriptor.name` is the symbolic name (`TX_NONCE_TOO_LOW`). `data` travels to RPC clients.
 */
export class MetisError extends Error {
  readonly descriptor: ErrorDescriptor;
  readonly args: ErrorArgs;
  readonly data?: unknown;
  /** Stable code, `METIS-405`. An own field (not a getter) so loggers such as pino serialize it. */
  readonly code: string;

  constructor(name: ErrorName | ErrorDescriptor, args: ErrorArgs = {}, options: { cause?: unknown; data?: unknown } = {}) {
    const descriptor = typeof name === 'string' ? ERRORS[name] : name;
    super(format(descriptor.message, args), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MetisError';
    this.descriptor = descriptor;
    this.args = args;
    this.data = options.data;
    this.code = `METIS-${descriptor.code}`;
  }

  /** True when this error was built from the named descriptor. */
  is(name: ErrorName): boolean {
    return this.descriptor.name === name;
  }

  /** Walks the `cause` chain, this error first. */
  *causes(): Generator<unknown> {
    let current: unknown = this;
    const seen = new Set<unknown>();
    while (current !== undefined && current !== null && !seen.has(current)) {
      seen.add(current);
      yield current;
      current = (current as { cause?: unknown }).cause;
    }
  }
}

export function isMetisError(e: unknown, name?: ErrorName): e is MetisError {
  return e instanceof MetisError && (name === undefined || e.is(name));
}

/**
 * The innermost MetisError in a cause chain (for example the TX_NONCE_TOO_LOW under a STAGE_FAILED),
 * or undefined when the chain holds none.
 */
export function rootMetisError(e: unknown): MetisError | undefined {
  let found: MetisError | undefined;
  let current: unknown = e;
  const seen = new Set<unknown>();
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current instanceof MetisError) found = current;
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}
