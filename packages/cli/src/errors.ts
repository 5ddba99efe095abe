import { MetisError, configIssues, type ConfigIssue, type ErrorName } from '@metis/core';

/** Exit codes of the `metis` binary. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

/**
 * Errors that describe a wrong config or command line rather than a failure at run time: they exit with
 * code 2. Plugin-composition errors are included because `metis config check` detects them without starting.
 */
const USAGE_ERRORS: ReadonlySet<string> = new Set<ErrorName>([
  'CLI_USAGE',
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'CONFIG_LOAD_FAILED',
  'PLUGIN_DUPLICATE',
  'PLUGIN_DEPENDENCY_MISSING',
  'PLUGIN_DEPENDENCY_CYCLE',
  'CAPABILITY_MISSING',
  'CAPABILITY_DUPLICATE',
]);

/**
 * A MetisError, also one from another copy of @metis/core (a config file can load its own copy), which
 * `instanceof` would miss.
 */
export function asMetisError(e: unknown): MetisError | undefined {
  if (e instanceof MetisError) return e;
  if (!(e instanceof Error)) return undefined;
  const candidate = e as Partial<MetisError>;
  const looksCoded =
    typeof candidate.code === 'string' && /^METIS-\d+$/.test(candidate.code) && typeof candidate.descriptor?.name === 'string';
  return looksCoded ? (e as MetisError) : undefined;
}

export function isMetisErrorNamed(e: unknown, name: ErrorName): e is MetisError {
  return asMetisError(e)?.descriptor.name === name;
}

/** The innermost coded error in a cause chain, across copies of @metis/core. */
function rootCoded(e: unknown): MetisError | undefined {
  let found: MetisError | undefined;
  const seen = new Set<unknown>();
  for (let current = e; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    found = asMetisError(current) ?? found;
  }
  return found;
}

export function exitCodeOf(e: unknown): number {
  const coded = asMetisError(e);
  return coded && USAGE_ERRORS.has(coded.descriptor.name) ? EXIT.USAGE : EXIT.FAILURE;
}

/** The issues of a CONFIG_INVALID error, each with its path. */
export function issuesOf(e: MetisError): ConfigIssue[] {
  return configIssues(e);
}

/**
 * What the binary prints for a failure: one coded line (`METIS-203 Could not load config ...`), plus one
 * line per issue for CONFIG_INVALID. An uncoded error prints its message (and the innermost coded error in
 * its causes, if any); `withStack` adds the stack for debugging.
 */
export function formatError(e: unknown, options: { withStack?: boolean } = {}): string[] {
  const coded = asMetisError(e);
  let lines: string[];
  if (coded?.descriptor.name === 'CONFIG_INVALID') {
    const issues = issuesOf(coded);
    lines = [
      `${coded.code} Invalid config (${issues.length} problem${issues.length === 1 ? '' : 's'}):`,
      ...issues.map((i) => `  - ${i.path}: ${i.message}`),
    ];
  } else if (coded) {
    lines = [`${coded.code} ${oneLine(coded.message)}`];
  } else {
    const root = rootCoded(e);
    const message = e instanceof Error ? e.message : String(e);
    lines = [root ? `${root.code} ${oneLine(root.message)} (${oneLine(message)})` : `Error: ${oneLine(message)}`];
  }
  if (options.withStack && e instanceof Error && e.stack) lines.push(e.stack);
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A usage error (exit code 2) with a plain message. */
export function usageError(reason: string): MetisError {
  return new MetisError('CLI_USAGE', { reason });
}
