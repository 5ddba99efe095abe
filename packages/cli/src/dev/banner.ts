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
    `Block time:        ${input.blockTime === 'instant' ? 'instant (a block as soon as transactions wait)' : `${input.blockTime} ms`}`,
    `Data directory:    ${input.dataDir}${input.temporary ? ' (temporary, removed on exit)' : ''}`,
    '',
  ];
}
