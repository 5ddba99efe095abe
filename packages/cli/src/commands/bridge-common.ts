import { resolve } from 'node:path';
import type { JsonRpcProvider } from 'ethers';
import type { L1Contracts } from '@metis/sdk';
import { asMetisError, usageError } from '../errors.js';
import { println, type Io } from '../io.js';

/** The sdk, loaded when a bridge command runs (not when the program starts: `metis --help` stays fast). */
export const loadSdk = (): Promise<typeof import('@metis/sdk')> => import('@metis/sdk');

/**
 * Runs a bridge command: the sdk's INVALID_ARGUMENT errors become usage errors (exit code 2); everything
 * else propagates (exit code 1, or 2 for coded usage errors).
 */
export async function bridgeCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Error && e.name === 'SdkError' && (e as { kind?: string }).kind === 'INVALID_ARGUMENT') throw usageError(e.message);
    throw e;
  }
}

/** Reads a deployment file given on the command line; a missing or malformed one is a usage error. */
export async function openDeployment(file: string, cwd: string): Promise<L1Contracts> {
  const { loadDeployment } = await loadSdk();
  try {
    return await loadDeployment(resolve(cwd, file));
  } catch (e) {
    const coded = asMetisError(e);
    if (coded?.descriptor.name === 'L1_CONTRACTS_MISSING') throw usageError(`--contracts: ${coded.message}`);
    throw e;
  }
}

/** Connections a command opened, closed when it ends. */
export class Connections {
  private readonly providers: JsonRpcProvider[] = [];

  async l1(url: string): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
    const { connect } = await loadSdk();
    const c = await connect(url, { layer: 'L1' });
    this.providers.push(c.provider);
    return c;
  }

  async l2(url: string): Promise<{ provider: JsonRpcProvider; chainId: bigint }> {
    const { connect } = await loadSdk();
    const c = await connect(url, { layer: 'L2' });
    this.providers.push(c.provider);
    return c;
  }

  close(): void {
    for (const p of this.providers) p.destroy();
  }
}

/** The chain id to use: `--chain-id` if given (it must match the L2's when both are known), else the L2's. */
export function chooseChainId(given: number | undefined, l2ChainId: bigint | undefined): bigint {
  if (given !== undefined && l2ChainId !== undefined && BigInt(given) !== l2ChainId) {
    throw usageError(`--chain-id ${given} does not match the L2 at --rpc (chain id ${l2ChainId})`);
  }
  if (given !== undefined) return BigInt(given);
  if (l2ChainId !== undefined) return l2ChainId;
  throw usageError('--chain-id is required (or --rpc <l2 url>, to read it from the L2)');
}

/** Prints `value` as one JSON line (bigints as decimal strings). */
export function printJson(io: Io, value: unknown): void {
  println(io, JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** `1.5 ETH`, `100 MTT`, or base units when the token's decimals are unknown. */
export function describeAmount(amount: bigint, unit: { symbol: string; decimals: number } | undefined, format: (v: bigint, d: number) => string): string {
  if (!unit) return `${amount} base units`;
  return `${format(amount, unit.decimals)} ${unit.symbol || 'tokens'}`;
}

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
