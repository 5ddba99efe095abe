import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Imports a module file of @ethereumjs/evm that its index does not export (`interpreter.js`, `evm.js`,
 * ...), as the same ESM instance the package itself uses, so patches of its prototypes take effect.
 * Undefined when the package layout is not the expected `dist/cjs/index.js` + `dist/esm/<file>`.
 */
export async function importEvmInternal<T>(file: string): Promise<T | undefined> {
  const cjsEntry = createRequire(import.meta.url).resolve('@ethereumjs/evm');
  const path = cjsEntry.replace(/dist[\\/]cjs[\\/]index\.js$/, `dist/esm/${file}`);
  if (path === cjsEntry) return undefined;
  return (await import(pathToFileURL(path).href)) as T;
}
