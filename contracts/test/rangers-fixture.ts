// Shared set-up of the rangers' contract tests (not a test file): the L1 contracts, one chain with a bonded
// proposer, its rangers configured and registered, and builders for its batches and signatures.
import { Wallet, parseEther, type Contract, type JsonRpcProvider, type TransactionReceipt, type TypedDataDomain } from 'ethers';
import { deployL1, type L1Deployment } from '@metis/testkit';
import {
  chainConfig,
  devWallets,
  fundedWallet,
  freshAddress,
  header,
  label,
  mined,
  rangerDomain,
  signSorted,
  type Attestation,
  type BatchHeader,
} from './helpers.js';

export const R = 905n;
export const WINDOW = 3600;
export const VOTE = 600;
export const ONE = parseEther('1');
export const MIN_STAKE = ONE;
export const STAKE = parseEther('10');
export const MIN_BOND = ONE;
export const PROPOSER_BOND = 3n * ONE;
export const CHALLENGE_BOND = parseEther('0.1');
export const UNBONDING = 7200;
export const GENESIS = label('genesis-r');

export interface Ranger {
  /** Registers, stakes and is paid. */
  operator: Wallet;
  /** Signs attestations (never sends transactions). */
  signer: Wallet;
}

export interface RangersEnv {
  provider: JsonRpcProvider;
  admin: Wallet;
  proposer: Wallet;
  treasury: string;
  l1: L1Deployment;
  chains: Contract;
  bonds: Contract;
  inbox: Contract;
  bridge: Contract;
  registry: Contract;
  certifier: Contract;
  disputes: Contract;
  domain: TypedDataDomain;
  rangers: Ranger[];
}

export const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;

export const newKey = (): Wallet => new Wallet(Wallet.createRandom().privateKey);

/**
 * Deploys the L1 contracts (treasury: a fresh address; the admin may lock and remove batches), registers chain R
 * (1 h window, 1 ETH minBond) with its proposer bonded with 3 ETH, configures its rangers (ETH, 1 ETH minimum,
 * 2 h unbonding) and registers `stakes.length` rangers with those stakes.
 */
export async function setupRangers(provider: JsonRpcProvider, stakes: readonly bigint[] = [STAKE, STAKE, STAKE, STAKE]): Promise<RangersEnv> {
  const [admin, proposer] = devWallets(provider, 2) as [Wallet, Wallet];
  const treasury = freshAddress();
  const l1 = await deployL1(admin, {
    unbondingDelay: UNBONDING,
    treasury,
    challengers: [admin.address],
    rangers: { voteWindow: VOTE, minChallengeBond: CHALLENGE_BOND },
  });
  const { chainRegistry: chains, bondManager: bonds, batchInbox: inbox, bridge } = l1;
  await mined(
    chains.registerChain(
      R,
      chainConfig({ owner: admin.address, proposer: proposer.address }, { challengeWindow: WINDOW, genesisStateRoot: GENESIS, minBond: MIN_BOND }),
    ),
  );
  await mined(as(bonds, proposer).deposit(R, { value: PROPOSER_BOND }));
  const registry = l1.rangerRegistry;
  await mined(registry.configureChain(R, '0x0000000000000000000000000000000000000000', MIN_STAKE, UNBONDING));
  const rangers: Ranger[] = [];
  for (const [i, stake] of stakes.entries()) {
    const ranger = { operator: await fundedWallet(provider, '1000'), signer: newKey() };
    await mined(as(registry, ranger.operator).register(R, ranger.signer.address, `peer-${i}`, stake, { value: stake }));
    rangers.push(ranger);
  }
  const domain = await rangerDomain(provider, registry.target as string);
  return {
    provider,
    admin,
    proposer,
    treasury,
    l1,
    chains,
    bonds,
    inbox,
    bridge,
    registry,
    certifier: l1.rangerCertifier,
    disputes: l1.rangerDisputes,
    domain,
    rangers,
  };
}

/** Header i of chain R (10 L2 blocks each), continuing headers 0..i-1 built the same way. */
export function hR(i: number, fields: Partial<BatchHeader> = {}): BatchHeader {
  return header({
    chainId: R,
    batchIndex: i,
    firstBlock: i * 10 + 1,
    lastBlock: i * 10 + 10,
    prevStateRoot: i === 0 ? GENESIS : label(`root-${i - 1}`),
    ...fields,
  });
}

export const appendR = (env: RangersEnv, i: number, fields: Partial<BatchHeader> = {}): Promise<TransactionReceipt> =>
  mined(as(env.inbox, env.proposer).appendBatch(hR(i, fields)));

/** Signatures of `a` by the signing keys of `rangers`, in signer order. */
export const sigs = (env: RangersEnv, rangers: readonly Ranger[], a: Attestation): Promise<string[]> =>
  signSorted(
    rangers.map((r) => r.signer),
    env.domain,
    a,
  );

export async function timestampOf(provider: JsonRpcProvider, receipt: TransactionReceipt): Promise<number> {
  return (await provider.getBlock(receipt.blockNumber))!.timestamp;
}
