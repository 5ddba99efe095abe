// The chain the sdk's DAC tests run on: a real anvil with the DAC predeploys placed by anvil_setCode (as
// contracts/test/dac-fixture.ts does), one DAC with a founder and invited members. Test-only: not built.
import { JsonRpcProvider, Wallet, parseEther, toBeHex } from 'ethers';
import { PREDEPLOYS, loadArtifact } from '@metis/contracts';
import { startAnvil, type Anvil } from '@metis/testkit';
import { createDac, inviteMember, joinDac } from '../membership.js';
import type { DacParams } from '../params.js';

const DAC_PREDEPLOYS = [
  ['DacRegistry', PREDEPLOYS.DAC_REGISTRY],
  ['DacReputation', PREDEPLOYS.DAC_REPUTATION],
  ['DacAttributes', PREDEPLOYS.DAC_ATTRIBUTES],
  ['DacCommitments', PREDEPLOYS.DAC_COMMITMENTS],
  ['DacProposals', PREDEPLOYS.DAC_PROPOSALS],
  ['DacTreasury', PREDEPLOYS.DAC_TREASURY],
] as const;

/** 1 ETH bonds, reputation 100 (step 10), one-hour windows, a 10-minute delay, quorum 50%. */
export const TEST_PARAMS: DacParams = {
  bondSize: parseEther('1'),
  initialReputation: 100n,
  reputationStep: 10n,
  challengeWindow: 3600n,
  voteWindow: 3600n,
  executionDelay: 600n,
  quorumBps: 5000n,
};

export interface DacChain {
  readonly anvil: Anvil;
  readonly provider: JsonRpcProvider;
  readonly founder: Wallet;
  /** Invited and joined, in order. */
  readonly members: Wallet[];
  /** Funded, not a member. */
  readonly outsider: Wallet;
  readonly dacId: bigint;
  /** A fresh account holding 100 ETH. */
  funded(): Promise<Wallet>;
  /** Moves the chain's clock `seconds` ahead and mines a block. */
  advance(seconds: bigint): Promise<void>;
  /** The latest block's timestamp. */
  now(): Promise<bigint>;
  stop(): Promise<void>;
}

/** Starts anvil, places the DAC predeploys (and the token factory with `tokenFactory`), creates DAC "acme". */
export async function startDacChain(options: { chainId: number; members: number; tokenFactory?: boolean }): Promise<DacChain> {
  const anvil = await startAnvil({ chainId: options.chainId });
  const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, pollingInterval: 20, cacheTimeout: -1 });
  const placed = options.tokenFactory ? [...DAC_PREDEPLOYS, ['DacTokenFactory', PREDEPLOYS.DAC_TOKEN_FACTORY] as const] : DAC_PREDEPLOYS;
  for (const [name, address] of placed) await provider.send('anvil_setCode', [address, loadArtifact(name).deployedBytecode]);
  const funded = async (): Promise<Wallet> => {
    const w = new Wallet(Wallet.createRandom().privateKey, provider);
    await provider.send('anvil_setBalance', [w.address, toBeHex(parseEther('100'))]);
    return w;
  };
  const [founder, outsider, ...members] = await Promise.all(Array.from({ length: options.members + 2 }, () => funded()));
  const { dacId } = await createDac(founder!, { name: 'acme', charterCid: 'bafycharter', params: TEST_PARAMS });
  for (const m of members) {
    await inviteMember(founder!, { dacId, account: m.address });
    await joinDac(m, { dacId });
  }
  return {
    anvil,
    provider,
    founder: founder!,
    members,
    outsider: outsider!,
    dacId,
    funded,
    async advance(seconds) {
      await provider.send('evm_increaseTime', [Number(seconds)]);
      await provider.send('evm_mine', []);
    },
    now: async () => BigInt((await provider.getBlock('latest'))!.timestamp),
    async stop() {
      provider.destroy();
      await anvil.stop();
    },
  };
}

/** Awaits a rejection and returns the error. */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure, but it succeeded');
}
