import type { z } from 'zod';
import { MetisError } from '../errors/metis-error.js';
import type { ConfigIssue } from '../plugins/types.js';
import { nodeConfigSchema, type NodeConfigInput, type ResolvedNodeConfig, type ResolvedPlugin } from './schema.js';

/** Renders a zod path as `plugins[2].options.blockTime`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

function issuesOf(error: z.ZodError, prefix: readonly PropertyKey[]): ConfigIssue[] {
  return error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]) || '(root)', message: i.message }));
}

/**
 * The config pipeline: validate the node fields and every plugin's options (collecting every problem),
 * resolve defaults, then run each plugin's own checks on the resolved result. Throws one CONFIG_INVALID
 * listing every problem with its path, or returns the resolved config.
 */
export function validateConfig(input: unknown): ResolvedNodeConfig {
  const issues: ConfigIssue[] = [];
  const parsed = nodeConfigSchema.safeParse(input);
  if (!parsed.success) issues.push(...issuesOf(parsed.error, []));

  const raw = (input ?? {}) as Partial<NodeConfigInput>;
  const plugins: ResolvedPlugin[] = [];
  if (Array.isArray(raw.plugins)) {
    raw.plugins.forEach((plugin, index) => {
      const schema = plugin?.definition?.options as z.ZodType | undefined;
      if (!plugin?.definition) return;
      if (!schema) {
        plugins.push({ plugin, options: undefined });
        return;
      }
      const result = schema.safeParse(plugin.input ?? {});
      if (result.success) plugins.push({ plugin, options: result.data });
      else issues.push(...issuesOf(result.error, ['plugins', index, `${plugin.definition.id}`]));
    });
  }
  if (issues.length > 0 || !parsed.success) throw configError(issues);

  const resolved: ResolvedNodeConfig = { ...parsed.data, plugins };
  for (const [index, { plugin, options }] of plugins.entries()) {
    for (const issue of plugin.definition.check?.(options as never, resolved) ?? []) {
      issues.push({ path: `plugins[${index}].${plugin.definition.id}.${issue.path}`, message: issue.message });
    }
  }
  if (issues.length > 0) throw configError(issues);
  return resolved;
}

function configError(issues: ConfigIssue[]): MetisError {
  const details = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
  return new MetisError('CONFIG_INVALID', { count: issues.length, details }, { data: { issues } });
}

/** The issues carried by a CONFIG_INVALID error. */
export function configIssues(e: MetisError): ConfigIssue[] {
  return ((e.data as { issues?: ConfigIssue[] } | undefined)?.issues ?? []).slice();
}
