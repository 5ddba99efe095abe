import { readFile, writeFile } from 'node:fs/promises';
import { Interface, type InterfaceAbi, type Provider } from 'ethers';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { MetisError } from '@metis/core';
import { l1ContractsSchema, type L1Contracts } from '@metis/l1';

export type { L1Contracts };

/** The L2Bridge predeploy (deposits are credited there; withdrawals start there). */
export const L2_BRIDGE_ADDRESS: string = PREDEPLOYS.L2_BRIDGE;
/** The MessagePasser predeploy (records every withdrawal). */
export const MESSAGE_PASSER_ADDRESS: string = PREDEPLOYS.MESSAGE_PASSER;

/** The ERC-20 functions the sdk uses (metadata are optional in ERC-20: read them with fallbacks). */
const ERC20_ABI = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
];

const cache = new Map<string, Interface>();

function cached(key: string, build: () => InterfaceAbi): Interface {
  let iface = cache.get(key);
  if (!iface) cache.set(key, (iface = new Interface(build())));
  return iface;
}

/** The custom errors of `names`, deduplicated (a contract's ABI lacks the errors of the contracts it calls). */
function errorsOf(names: readonly string[]): unknown[] {
  const fragments = names.flatMap((n) => loadArtifact(n).abi.filter((f) => f.type === 'error'));
  return [...new Map(fragments.map((f) => [JSON.stringify(f), f])).values()];
}

/** The L1 Bridge's ABI, with the errors of the tokens it moves (to name any revert of a deposit). */
export const bridgeInterface = (): Interface => cached('Bridge', () => [...loadArtifact('Bridge').abi, ...errorsOf(['MetisTestToken'])] as never);
/** The L2Bridge's ABI, with the errors of the bridged tokens it burns (to name any revert of a withdrawal). */
export const l2BridgeInterface = (): Interface => cached('L2Bridge', () => [...loadArtifact('L2Bridge').abi, ...errorsOf(['BridgedToken'])] as never);
export const messagePasserInterface = (): Interface => cached('MessagePasser', () => loadArtifact('MessagePasser').abi as never);
export const batchInboxInterface = (): Interface => cached('BatchInbox', () => loadArtifact('BatchInbox').abi as never);
export const chainRegistryInterface = (): Interface => cached('ChainRegistry', () => loadArtifact('ChainRegistry').abi as never);
/** A plain ERC-20 with the OpenZeppelin ERC-20 errors (allowance, balance). */
export const erc20Interface = (): Interface => cached('ERC20', () => [...ERC20_ABI, ...errorsOf(['MetisTestToken'])] as never);

/**
 * Reads a deployment file: the JSON `metis deploy` and `metis dev` write (chainRegistry, bondManager,
 * batchInbox, bridge, dataInbox, daChallenge, rangerRegistry, rangerCertifier, rangerDisputes, startBlock), the format
 * `l1({ contracts: '<file>' })` reads. `daChallenge` is absent from files written before the DA challenge existed,
 * the three ranger contracts from files written before the rangers existed.
 * @throws MetisError L1_CONTRACTS_MISSING when the file cannot be read or is not such a file
 */
export async function loadDeployment(file: string): Promise<L1Contracts> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new MetisError('L1_CONTRACTS_MISSING', { address: file, reason: `cannot read the deployment file: ${(e as Error).message}` }, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MetisError('L1_CONTRACTS_MISSING', { address: file, reason: `the deployment file is not JSON: ${(e as Error).message}` }, { cause: e });
  }
  const parsed = l1ContractsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MetisError('L1_CONTRACTS_MISSING', { address: file, reason: `not a deployment file: ${issues}` });
  }
  return parsed.data;
}

/**
 * Writes a deployment file (see {@link loadDeployment}), validated first.
 * @param options.overwrite replace an existing file (default: refuse, the addresses of a live deployment
 *        would be lost)
 * @throws the file system's error (code `EEXIST` when the file exists and `overwrite` is not set)
 */
export async function saveDeployment(file: string, contracts: L1Contracts, options: { overwrite?: boolean } = {}): Promise<void> {
  const checked = l1ContractsSchema.parse(contracts);
  const ordered = {
    chainRegistry: checked.chainRegistry,
    bondManager: checked.bondManager,
    batchInbox: checked.batchInbox,
    bridge: checked.bridge,
    dataInbox: checked.dataInbox,
    ...(checked.daChallenge === undefined ? {} : { daChallenge: checked.daChallenge }),
    ...(checked.rangerRegistry === undefined ? {} : { rangerRegistry: checked.rangerRegistry }),
    ...(checked.rangerCertifier === undefined ? {} : { rangerCertifier: checked.rangerCertifier }),
    ...(checked.rangerDisputes === undefined ? {} : { rangerDisputes: checked.rangerDisputes }),
    startBlock: checked.startBlock,
  };
  await writeFile(file, `${JSON.stringify(ordered, null, 2)}\n`, { flag: options.overwrite ? 'w' : 'wx' });
}

/**
 * Checks that the L1 holds code at every address of a deployment, the optional ones when the file has them (a wrong
 * `--l1` or a deployment file of another L1 otherwise shows up later as undecodable results).
 * @throws MetisError L1_CONTRACTS_MISSING naming the first contract without code
 */
export async function verifyDeployment(input: { l1Provider: Provider; contracts: L1Contracts }): Promise<void> {
  const all = ['chainRegistry', 'bondManager', 'batchInbox', 'bridge', 'dataInbox', 'daChallenge', 'rangerRegistry', 'rangerCertifier', 'rangerDisputes'] as const;
  const names = all.filter((n) => input.contracts[n] !== undefined);
  const codes = await Promise.all(names.map((n) => input.l1Provider.getCode(input.contracts[n]!)));
  for (const [i, code] of codes.entries()) {
    if (code === '0x') throw new MetisError('L1_CONTRACTS_MISSING', { address: input.contracts[names[i]!]!, reason: `no ${names[i]} contract code there: is this the L1 of that deployment?` });
  }
}
