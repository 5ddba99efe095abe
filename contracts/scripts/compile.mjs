#!/usr/bin/env node
// Compiles every contracts/src/**/*.sol with solcjs (standard JSON) and writes one artifact per contract to
// contracts/artifacts/<ContractName>.json: { contractName, sourceName, abi, bytecode, deployedBytecode }.
// Skips the work when the sources, the compiler and the settings are unchanged (artifacts/.cache.json).
// Usage: node contracts/scripts/compile.mjs [--force] [--src <dir>] [--out <dir>]
//   --src/--out default to contracts/src and contracts/artifacts (tests point them at temporary folders).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argValue = (flag) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : undefined;
};
const srcDir = argValue('--src') ?? join(root, 'src');
const outDir = argValue('--out') ?? join(root, 'artifacts');
/** Source unit names are relative to the folder holding src/: `src/test/Reverter.sol`. */
const base = dirname(srcDir);
const cacheFile = join(outDir, '.cache.json');
/** Bump when the artifact format or the way sources are compiled changes. */
const FORMAT = 1;
const EVM_VERSIONS = ['prague', 'cancun'];

// Resolve packages (solc, @openzeppelin/...) the way Node would from contracts/.
const require = createRequire(join(root, 'package.json'));
/** Loading solcjs takes a second or two: only done when something must be compiled. */
let solcModule;
const solc = () => (solcModule ??= require('solc'));

const force = process.argv.includes('--force');
const started = performance.now();

/** Every .sol under srcDir, as source unit names with forward slashes. */
function findSources() {
  if (!existsSync(srcDir)) return [];
  return readdirSync(srcDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sol'))
    .map((e) => relative(base, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort();
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return 'none';
  }
}

function settingsFor(evmVersion, sourceNames) {
  const selection = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'];
  return {
    optimizer: { enabled: true, runs: 200 },
    evmVersion,
    outputSelection: Object.fromEntries(sourceNames.map((s) => [s, { '*': selection }])),
  };
}

/** Resolves imports that are not among our sources: packages from node_modules, else paths under base. */
function findImports(path) {
  const candidates = [];
  if (!path.startsWith('.') && !path.startsWith('/')) {
    try {
      candidates.push(require.resolve(path));
    } catch {
      // not a package path
    }
  }
  candidates.push(join(base, path));
  for (const file of candidates) {
    if (existsSync(file)) return { contents: readFileSync(file, 'utf8') };
  }
  return { error: `File not found: ${path} (looked in node_modules and ${base})` };
}

function compile(sources, evmVersion) {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: settingsFor(evmVersion, Object.keys(sources)),
  };
  return JSON.parse(solc().compile(JSON.stringify(input), { import: findImports }));
}

const hex = (s) => (s.startsWith('0x') ? s : `0x${s}`);

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function readCache() {
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function main() {
  const sourceNames = findSources();
  const sources = Object.fromEntries(sourceNames.map((s) => [s, readFileSync(join(base, s), 'utf8')]));
  // The package version (0.8.30) names the compiler exactly, and reading it does not load solcjs.
  const solcVersion = packageVersion('solc');

  const hash = createHash('sha256');
  hash.update(JSON.stringify({ FORMAT, solcVersion, oz: packageVersion('@openzeppelin/contracts'), EVM_VERSIONS }));
  for (const name of sourceNames) hash.update(`\0${name}\0${sources[name]}`);
  const digest = hash.digest('hex');

  const cache = readCache();
  if (
    !force &&
    cache?.hash === digest &&
    Array.isArray(cache.artifacts) &&
    cache.artifacts.every((name) => existsSync(join(outDir, `${name}.json`)))
  ) {
    console.log(`contracts: ${cache.artifacts.length} artifacts up to date (solc ${solcVersion})`);
    return;
  }

  if (sourceNames.length === 0) {
    console.log('contracts: no sources in contracts/src');
    return;
  }

  let evmVersion;
  let output;
  for (const candidate of EVM_VERSIONS) {
    output = compile(sources, candidate);
    evmVersion = candidate;
    const rejected = (output.errors ?? []).some(
      (e) => e.severity === 'error' && e.type === 'JSONError' && /evmVersion/i.test(e.message),
    );
    if (!rejected) break;
  }

  const problems = output.errors ?? [];
  const errors = problems.filter((e) => e.severity === 'error');
  const warnings = problems.filter((e) => e.severity !== 'error' && e.severity !== 'info');
  for (const w of warnings) console.warn((w.formattedMessage ?? w.message).trimEnd());
  if (errors.length > 0) {
    for (const e of errors) console.error((e.formattedMessage ?? `${e.type}: ${e.message}`).trimEnd());
    console.error(`contracts: compilation failed with ${errors.length} error(s)`);
    process.exitCode = 1;
    return;
  }

  const artifacts = new Map();
  for (const sourceName of sourceNames) {
    for (const [contractName, contract] of Object.entries(output.contracts?.[sourceName] ?? {})) {
      const clash = artifacts.get(contractName);
      if (clash) {
        console.error(`contracts: two contracts named ${contractName} (${clash.sourceName} and ${sourceName}); rename one`);
        process.exitCode = 1;
        return;
      }
      artifacts.set(contractName, {
        contractName,
        sourceName,
        abi: contract.abi,
        bytecode: hex(contract.evm.bytecode.object),
        deployedBytecode: hex(contract.evm.deployedBytecode.object),
      });
    }
  }

  mkdirSync(outDir, { recursive: true });
  for (const stale of cache?.artifacts ?? []) {
    if (!artifacts.has(stale)) rmSync(join(outDir, `${stale}.json`), { force: true });
  }
  for (const [name, artifact] of artifacts) writeAtomic(join(outDir, `${name}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
  const names = [...artifacts.keys()].sort();
  const compiler = solc().version();
  writeAtomic(cacheFile, `${JSON.stringify({ hash: digest, solcVersion, compiler, evmVersion, artifacts: names }, null, 2)}\n`);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `contracts: compiled ${names.length} contracts from ${sourceNames.length} sources (solc ${compiler.split('+')[0]}, ${evmVersion}) in ${seconds}s`,
  );
}

main();
