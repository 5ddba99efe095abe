import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetisError } from '@metis/core';

export const DEFAULT_CONFIG_FILE = 'metis.config.ts';
/** Looked up, in order, when --config names a folder. */
const CONFIG_NAMES = ['metis.config.ts', 'metis.config.mts', 'metis.config.js', 'metis.config.mjs'];
const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

export interface LoadedConfig {
  /** Absolute path of the config file. */
  readonly path: string;
  /** Its folder: the base for a relative dataDir. */
  readonly dir: string;
  /** The default export, not validated yet. */
  readonly config: unknown;
}

/**
 * Loads a config file and returns its default export (awaited; a function export is called). TypeScript is
 * compiled on the fly by tsx; `.js`/`.mjs` files are imported directly. Relative imports resolve against the
 * config's folder and packages from its node_modules.
 *
 * Throws CONFIG_NOT_FOUND (METIS-202) when the file does not exist and CONFIG_LOAD_FAILED (METIS-203) when it
 * cannot be compiled or evaluated or has no default export. The result is not validated: see validateConfig.
 */
export async function loadConfig(file: string = DEFAULT_CONFIG_FILE, cwd: string = process.cwd()): Promise<LoadedConfig> {
  const path = await findConfig(resolve(cwd, file));
  const dir = dirname(path);
  let module: { default?: unknown };
  try {
    if (TS_EXTENSIONS.has(extname(path))) await registerTypeScript(dir);
    // A fresh URL per load, so an edited config is read again in a long-lived process.
    module = (await import(`${pathToFileURL(path).href}?load=${++loads}`)) as { default?: unknown };
  } catch (e) {
    throw new MetisError('CONFIG_LOAD_FAILED', { path, reason: reasonOf(e) }, { cause: e });
  }

  let config = module.default;
  // A .ts file compiled as CommonJS (no "type": "module" nearby) arrives wrapped once more.
  if (isObject(config) && 'default' in config && !('chainId' in config)) config = config.default;
  if (config === undefined) {
    throw new MetisError('CONFIG_LOAD_FAILED', { path, reason: 'no default export (write `export default defineConfig({ ... })`)' });
  }
  if (typeof config === 'function') {
    try {
      config = await (config as () => unknown)();
    } catch (e) {
      throw new MetisError('CONFIG_LOAD_FAILED', { path, reason: reasonOf(e) }, { cause: e });
    }
  }
  return { path, dir, config };
}

async function findConfig(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) {
    const found = CONFIG_NAMES.map((name) => join(path, name)).find((p) => existsSync(p));
    if (found) return found;
    throw new MetisError('CONFIG_NOT_FOUND', { path: join(path, DEFAULT_CONFIG_FILE) });
  }
  throw new MetisError('CONFIG_NOT_FOUND', { path });
}

let loads = 0;
let registered: Promise<void> | undefined;

/**
 * Installs tsx's loaders (ESM and CommonJS) for this process, once. Not `tsImport`: that scopes every
 * module it loads, packages included, to a private namespace, so the config would get its own copies of
 * @metis/core and the plugins, and their tokens (RPC_SERVER, LOGGER, ...) would not match the CLI's. With
 * the loaders installed the config shares the CLI's module instances. The first config's tsconfig.json
 * (if any) applies. (Under vitest, `import()` goes through Vite, which compiles the .ts itself.)
 */
function registerTypeScript(dir: string): Promise<void> {
  registered ??= (async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    // The CommonJS hook too: a .ts config in a package without "type": "module" is compiled as CommonJS.
    cjs.register();
    const tsconfig = join(dir, 'tsconfig.json');
    esm.register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
  })();
  return registered;
}

function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // esbuild: "Transform failed with 1 error:" then "file:line:col: ERROR: what".
  const reason = lines[0]?.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1]}` : lines[0];
  return reason ?? 'unknown error';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
