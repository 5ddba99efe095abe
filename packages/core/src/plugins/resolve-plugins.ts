import { MetisError } from '../errors/metis-error.js';
import type { AnyPlugin } from './types.js';

/**
 * Orders plugins so that each comes after its dependencies and after the providers of the capabilities it
 * requires; otherwise keeps the config's order. Rejects duplicates, missing dependencies, capabilities no
 * plugin provides (or two plugins provide), and cycles, each with its own code.
 */
export function resolvePlugins(plugins: readonly AnyPlugin[]): AnyPlugin[] {
  const byId = new Map<string, AnyPlugin>();
  for (const p of plugins) {
    const id = p.definition.id;
    if (byId.has(id)) throw new MetisError('PLUGIN_DUPLICATE', { id });
    byId.set(id, p);
  }

  const providerOf = new Map<symbol, string>();
  for (const p of plugins) {
    for (const token of p.definition.provides ?? []) {
      const first = providerOf.get(token.key);
      if (first) throw new MetisError('CAPABILITY_DUPLICATE', { capability: token.name, first, second: p.definition.id });
      providerOf.set(token.key, p.definition.id);
    }
  }

  const edges = new Map<string, string[]>();
  for (const p of plugins) {
    const { id } = p.definition;
    const before: string[] = [];
    for (const dependency of p.definition.dependencies ?? []) {
      if (!byId.has(dependency)) throw new MetisError('PLUGIN_DEPENDENCY_MISSING', { id, dependency });
      before.push(dependency);
    }
    for (const token of p.definition.requires ?? []) {
      const provider = providerOf.get(token.key);
      if (!provider) throw new MetisError('CAPABILITY_MISSING', { id, capability: token.name });
      if (provider !== id) before.push(provider);
    }
    edges.set(id, before);
  }

  const ordered: AnyPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new MetisError('PLUGIN_DEPENDENCY_CYCLE', { cycle: [...path.slice(path.indexOf(id)), id].join(' -> ') });
    }
    state.set(id, 'visiting');
    for (const dep of edges.get(id) ?? []) visit(dep, [...path, id]);
    state.set(id, 'done');
    ordered.push(byId.get(id)!);
  };
  for (const p of plugins) visit(p.definition.id, []);
  return ordered;
}
