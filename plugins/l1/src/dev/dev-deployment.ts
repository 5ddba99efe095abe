import { readFile, writeFile } from 'node:fs/promises';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { deployL1 } from './deploy-l1.js';
import { l1ContractsSchema, type L1Contracts } from '../options.js';

export interface DevDeploymentOptions {
  /** L1 JSON-RPC URL. */
  readonly rpcUrl: string;
  /** Pays for the deployment. */
  readonly deployerKey: string;
  /** Where the addresses are kept: reused when the contracts are still on the L1, else (re)written. */
  readonly file: string;
  /** BondManager's unbonding delay, seconds (at least the chain's challenge window). */
  readonly unbondingDelay: number;
}

/**
 * The L1 contracts for a devnet: the ones recorded in `file` if the L1 still has them (a resumed devnet),
 * otherwise a fresh deployment, recorded in `file` (the format `metis start` reads through `l1.contracts`).
 */
export async function ensureDevDeployment(options: DevDeploymentOptions): Promise<L1Contracts> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { batchMaxCount: 1 });
  try {
    const recorded = await readRecorded(options.file);
    if (recorded && (await provider.getCode(recorded.chainRegistry)) !== '0x') return recorded;
    const signer = new NonceManager(new Wallet(options.deployerKey, provider));
    const deployment = await deployL1(signer, { unbondingDelay: options.unbondingDelay });
    const contracts: L1Contracts = { ...deployment.addresses, startBlock: deployment.startBlock };
    await writeFile(options.file, `${JSON.stringify(contracts, null, 2)}\n`);
    return contracts;
  } finally {
    provider.destroy();
  }
}

async function readRecorded(file: string): Promise<L1Contracts | undefined> {
  try {
    const parsed = l1ContractsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
