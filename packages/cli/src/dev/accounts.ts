import { HDNodeWallet } from 'ethers';
import { usageError } from '../errors.js';

/** Hardhat's and anvil's well-known mnemonic. Its keys are public: use it only on a devnet. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
/** BIP-44 Ethereum path; account `i` is `${DEV_DERIVATION_PATH}/${i}`. */
export const DEV_DERIVATION_PATH = "m/44'/60'/0'/0";

export interface DevAccount {
  readonly index: number;
  readonly address: string;
  readonly privateKey: string;
}

/**
 * The first `count` accounts of a mnemonic at m/44'/60'/0'/0/i, the same as Hardhat and anvil
 * (account 0 of the default mnemonic is 0xf39F...2266). Throws CLI_USAGE for an invalid mnemonic.
 */
export function devAccounts(count = 10, mnemonic = DEV_MNEMONIC): DevAccount[] {
  if (!Number.isInteger(count) || count < 0) throw usageError(`account count must be a non-negative integer, got ${count}`);
  let parent: HDNodeWallet;
  try {
    // Derive the seed once, then each child: equal to HDNodeWallet.fromPhrase(m, undefined, `${path}/${i}`).
    parent = HDNodeWallet.fromPhrase(mnemonic.trim().replace(/\s+/g, ' '), undefined, DEV_DERIVATION_PATH);
  } catch (e) {
    throw usageError(`invalid mnemonic: ${e instanceof Error ? e.message.split(' (')[0] : String(e)}`);
  }
  return Array.from({ length: count }, (_, index) => {
    const wallet = parent.deriveChild(index);
    return { index, address: wallet.address, privateKey: wallet.privateKey };
  });
}

const WEI_PER_ETH = 10n ** 18n;

/** Parses an ether amount ("10000", "0.5") into wei. Throws CLI_USAGE when it is not a plain decimal. */
export function parseEth(value: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value.trim());
  if (!match) throw usageError(`invalid ETH amount "${value}": expected a decimal such as 10000 or 0.5`);
  const [, whole, fraction = ''] = match;
  return BigInt(whole!) * WEI_PER_ETH + BigInt(fraction.padEnd(18, '0'));
}

/** Formats wei as ether without losing precision: 10000000000000000000000n -> "10000". */
export function formatEth(wei: bigint): string {
  const whole = wei / WEI_PER_ETH;
  const fraction = (wei % WEI_PER_ETH).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** A genesis alloc giving each account `balanceWei`. */
export function devAlloc(accounts: readonly DevAccount[], balanceWei: bigint): Record<string, { balance: bigint }> {
  return Object.fromEntries(accounts.map((a) => [a.address, { balance: balanceWei }]));
}
