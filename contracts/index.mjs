// Loads the artifacts written by scripts/compile.mjs (run by the root `npm run build`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Fixed L2 addresses (contracts/src/l2/Predeploys.sol): the L2 genesis holds the runtime code of L2Bridge and
 * MessagePasser there, and the node applies L1 deposits as calls from the system caller.
 */
export const PREDEPLOYS = Object.freeze({
  L2_BRIDGE: '0x4200000000000000000000000000000000000010',
  MESSAGE_PASSER: '0x4200000000000000000000000000000000000016',
  DAC_REGISTRY: '0x4200000000000000000000000000000000000100',
  DAC_REPUTATION: '0x4200000000000000000000000000000000000101',
  DAC_ATTRIBUTES: '0x4200000000000000000000000000000000000102',
  DAC_COMMITMENTS: '0x4200000000000000000000000000000000000103',
  DAC_PROPOSALS: '0x4200000000000000000000000000000000000104',
  DAC_TREASURY: '0x4200000000000000000000000000000000000105',
  DAC_TOKEN_FACTORY: '0x4200000000000000000000000000000000000110',
  SYSTEM_CALLER: '0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001',
});

/** Absolute path of the artifacts folder. */
export const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url));

const cache = new Map();

/** Absolute path of one contract's artifact. */
export function artifactPath(name) {
  if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) {
    throw new TypeError(`Invalid contract name: ${String(name)}`);
  }
  return `${artifactsDir}${name}.json`;
}

/** The parsed artifact of a contract: { contractName, sourceName, abi, bytecode, deployedBytecode }. */
export function loadArtifact(name) {
  let artifact = cache.get(name);
  if (artifact) return artifact;
  const file = artifactPath(name);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e && e.code === 'ENOENT') {
      throw new Error(`No artifact for contract "${name}" at ${file}: run \`node contracts/scripts/compile.mjs\` (or \`npm run build\`)`, { cause: e });
    }
    throw e;
  }
  artifact = Object.freeze(JSON.parse(text));
  cache.set(name, artifact);
  return artifact;
}
