import { roleLine } from '../role-line.js';
import { formatEth, DEV_DERIVATION_PATH, type DevAccount } from './accounts.js';

export interface DevBannerInput {
  accounts: readonly DevAccount[];
  balanceWei: bigint;
  mnemonic: string;
  chainId: number;
  blockTime: number | 'instant';
  dataDir: string;
  /** True when the data dir is a temporary folder removed on exit. */
  temporary: boolean;
  /** Set on a replica: the sequencer RPC it forwards transactions to ('' for none). */
  replicaOf?: string;
  /** Rangers started next to the sequencer (`--rangers`). */
  rangers?: { count: number; stakeEth: string };
  /** This node is a ranger (`--role ranger`). */
  ranger?: boolean;
  /** The L1 the devnet settles on, if any. */
  l1?: { url: string; embedded: boolean; contracts: string; challengeWindow: number };
}

/** anvil-style banner of `metis dev`: accounts, keys, wallet, chain id. The Listening lines follow it. */
export function devBanner(input: DevBannerInput): string[] {
  const title = (text: string): string[] => ['', text, '='.repeat(text.length)];
  const eth = formatEth(input.balanceWei);
  const width = String(Math.max(0, input.accounts.length - 1)).length;
  const label = (i: number): string => `(${String(i).padStart(width)})`;
  return [
    '',
    'Metis devnet',
    ...title('Available Accounts'),
    ...input.accounts.map((a) => `${label(a.index)} ${a.address} (${eth} ETH)`),
    ...title('Private Keys'),
    ...input.accounts.map((a) => `${label(a.index)} ${a.privateKey}`),
    ...title('Wallet'),
    `Mnemonic:          ${input.mnemonic}`,
    `Derivation path:   ${DEV_DERIVATION_PATH}/{index}`,
    ...title('Chain ID'),
    String(input.chainId),
    ...title('Node'),
    ...(input.replicaOf === undefined
      ? [`Block time:        ${input.blockTime === 'instant' ? 'instant (a block as soon as transactions wait)' : `${input.blockTime} ms`}`]
      : [`Role:              ${input.ranger ? `ranger (attests every batch it re-executes); ${roleLine('replica', input.replicaOf || undefined)}` : roleLine('replica', input.replicaOf || undefined)}`]),
    `Data directory:    ${input.dataDir}${input.temporary ? ' (temporary, removed on exit)' : ''}`,
    ...title('L1'),
    ...(input.l1
      ? [
          `L1 RPC:            ${input.l1.url}${input.l1.embedded ? ' (embedded anvil, same dev accounts)' : ''}`,
          `L1 contracts:      ${input.l1.contracts}`,
          ...(input.replicaOf === undefined ? [`Challenge window:  ${input.l1.challengeWindow} s`] : []),
          ...(input.rangers
            ? [`Rangers:           ${input.rangers.count}, ${input.rangers.stakeEth} ETH staked each: a batch is final once two thirds of the stake attest it`]
            : []),
        ]
      : ['none (--no-l1): batches are recorded locally']),
    '',
  ];
}
