// Exact bookkeeping for the DAC end-to-end test: ETH balances plus the fees their owners paid, and token balances.
import { Contract, Interface, type JsonRpcProvider, type TransactionReceipt } from 'ethers';
import { expect } from 'vitest';
import { until } from './harness.js';

/**
 * The ETH held by a set of addresses (accounts and contracts), which only the fees of transactions sent by those
 * accounts may change: `check()` asserts sum(balances) + fees is what it was at `begin()`.
 */
export class EthLedger {
  private start = 0n;
  fees = 0n;
  private readonly byPayer = new Map<string, bigint>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly addresses: string[],
  ) {}

  async sum(): Promise<bigint> {
    let total = 0n;
    for (const a of this.addresses) total += await this.provider.getBalance(a);
    return total;
  }

  async begin(): Promise<this> {
    this.start = await this.sum();
    this.fees = 0n;
    this.byPayer.clear();
    return this;
  }

  /** Counts the fee of a result's receipt (and of its approval, if any); returns the result. */
  track<T extends { receipt: TransactionReceipt }>(result: T): T {
    this.add(result.receipt);
    return result;
  }

  /** The fee a transaction paid, counted once. */
  async feeOf(txHash: string): Promise<bigint> {
    const receipt = (await this.provider.getTransactionReceipt(txHash))!;
    this.byPayer.set(receipt.from.toLowerCase(), (this.byPayer.get(receipt.from.toLowerCase()) ?? 0n) + receipt.fee);
    return receipt.fee;
  }

  /** Fees paid by one account in the transactions counted so far. */
  feesOf(address: string): bigint {
    return this.byPayer.get(address.toLowerCase()) ?? 0n;
  }

  async check(): Promise<void> {
    expect((await this.sum()) + this.fees).toBe(this.start);
  }

  private add(receipt: TransactionReceipt): void {
    this.fees += receipt.fee;
    this.byPayer.set(receipt.from.toLowerCase(), (this.byPayer.get(receipt.from.toLowerCase()) ?? 0n) + receipt.fee);
  }
}

/** The ERC-20 functions the test reads. */
export const ERC20 = new Interface([
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address, uint256) returns (bool)',
]);

/** Balances of one ERC-20 over a set of holders. */
export class TokenLedger {
  private readonly token: Contract;
  constructor(
    provider: JsonRpcProvider,
    address: string,
    private readonly holders: string[],
  ) {
    this.token = new Contract(address, ERC20, provider);
  }

  async balances(): Promise<bigint[]> {
    const out: bigint[] = [];
    for (const h of this.holders) out.push((await this.token.getFunction('balanceOf')(h)) as bigint);
    return out;
  }

  async sum(): Promise<bigint> {
    return (await this.balances()).reduce((a, b) => a + b, 0n);
  }

  async totalSupply(): Promise<bigint> {
    return (await this.token.getFunction('totalSupply')()) as bigint;
  }
}

/** Waits until the L2 head's timestamp is at least `t` (seconds). */
export async function waitForL2Time(provider: JsonRpcProvider, t: bigint): Promise<void> {
  await until(`L2 time ${t}`, async () => BigInt((await provider.getBlock('latest'))!.timestamp) >= t, 60_000, 100);
}
