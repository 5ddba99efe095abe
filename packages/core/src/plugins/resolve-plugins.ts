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

  // Stable topological order: repeatedly take the earliest plugin in config order whose predecessors are
  // all placed, so plugins not constrained by each other keep their config order (which is also the order
  // their middleware wraps a stage).
  const ordered: AnyPlugin[] = [];
  const placed = new Set<string>();
  const ready = (id: string): boolean => (edges.get(id) ?? []).every((dep) => placed.has(dep));
  while (ordered.length < plugins.length) {
    const next = plugins.find((p) => !placed.has(p.definition.id) && ready(p.definition.id));
    if (!next) throw new MetisError('PLUGIN_DEPENDENCY_CYCLE', { cycle: findCycle(plugins, edges, placed) });
    placed.add(next.definition.id);
    ordered.push(next);
  }
  return ordered;
}

/** Every unplaced plugin waits on another unplaced one, so following those edges must come back around. */
function findCycle(plugins: readonly AnyPlugin[], edges: Map<string, string[]>, placed: Set<string>): string {
  const path: string[] = [];
  let id = plugins.find((p) => !placed.has(p.definition.id))!.definition.id;
  while (!path.includes(id)) {
    path.push(id);
    id = (edges.get(id) ?? []).find((dep) => !placed.has(dep))!;
  }
  return [...path.slice(path.indexOf(id)), id].join(' -> ');
}
