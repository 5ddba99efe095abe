import { readFile, writeFile } from 'node:fs/promises';
import { JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { DEV_DA_RESPONSE_WINDOW, DEV_RANGER_VOTE_WINDOW, deployL1 } from './deploy-l1.js';
import { l1ContractsSchema, type L1Contracts } from '../options.js';

export interface DevDeploymentOptions {
  /** L1 JSON-RPC URL. */
  readonly rpcUrl: string;
  /** Pays for the deployment. */
  readonly deployerKey: string;
  /** Where the addresses are kept: reused when the contracts are still on the L1, else (re)written. */
  readonly file: string;
  /**
   * Seconds, at least the chain's challenge window. The BondManager gets this plus the longer of
   * `daResponseWindow` and `rangerVoteWindow`: a DA challenge or a state-root dispute opened at the end of a batch's
   * challenge window keeps the proposer's bond slashable until it ends.
   */
  readonly unbondingDelay: number;
  /** DaChallenge's response window, seconds ({@link DEV_DA_RESPONSE_WINDOW} by default). */
  readonly daResponseWindow?: number;
  /** RangerDisputes' vote window, seconds ({@link DEV_RANGER_VOTE_WINDOW} by default). */
  readonly rangerVoteWindow?: number;
}

/**
 * The L1 contracts for a devnet: the ones recorded in `file` if the L1 still has them (a resumed devnet),
 * otherwise a fresh deployment, recorded in `file` (the format `metis start` reads through `l1.contracts`).
 * A file recorded before the DaChallenge or the rangers' contracts existed is kept as it is (without them).
 */
export async function ensureDevDeployment(options: DevDeploymentOptions): Promise<L1Contracts> {
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { batchMaxCount: 1 });
  try {
    const recorded = await readRecorded(options.file);
    if (recorded && (await provider.getCode(recorded.chainRegistry)) !== '0x') return recorded;
    const signer = new NonceManager(new Wallet(options.deployerKey, provider));
    const responseWindow = options.daResponseWindow ?? DEV_DA_RESPONSE_WINDOW;
    const voteWindow = options.rangerVoteWindow ?? DEV_RANGER_VOTE_WINDOW;
    const deployment = await deployL1(signer, {
      unbondingDelay: options.unbondingDelay + Math.max(responseWindow, voteWindow),
      daChallenge: { responseWindow },
      rangers: { voteWindow },
    });
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
