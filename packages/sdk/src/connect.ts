import { JsonRpcProvider, Network } from 'ethers';
import { MetisError } from '@metis/core';
import { SdkError, invalidArgument } from './errors.js';

export interface ConnectOptions {
  /** Which side the URL is, for messages and errors: an unreachable L1 is MetisError L1_RPC. Default 'L2'. */
  readonly layer?: 'L1' | 'L2';
  /** Give up on the first answer after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Milliseconds between polls of transactions and blocks (ethers' default is 4 s). Default 250. */
  readonly pollingInterval?: number;
}

/** A connected JSON-RPC provider and the chain id its node reported. */
export interface Connection {
  readonly provider: JsonRpcProvider;
  readonly chainId: bigint;
}

/**
 * Connects to a JSON-RPC endpoint: asks `eth_chainId` once (with a timeout), then returns an ethers
 * provider pinned to that network (ethers otherwise retries an unreachable node forever and re-asks the chain
 * id before many requests). Destroy the provider when done.
 * @throws SdkError INVALID_ARGUMENT (not an http(s) URL); MetisError L1_RPC (layer L1) or SdkError UNREACHABLE
 *         (layer L2) when the endpoint does not answer
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const layer = options.layer ?? 'L2';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument(`${layer} URL "${url}" is not a URL (such as http://127.0.0.1:8545)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidArgument(`${layer} URL "${url}" must be http:// or https://`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  let chainId: bigint;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const body = (await res.json()) as { result?: string; error?: { message?: string } };
    if (typeof body.result !== 'string') throw new Error(body.error?.message ?? 'no chain id in the answer');
    chainId = BigInt(body.result);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (e as Error).message);
    if (layer === 'L1') throw new MetisError('L1_RPC', { method: 'eth_chainId', reason: `cannot reach the L1 at ${url}: ${why}` }, { cause: e });
    throw new SdkError('UNREACHABLE', `cannot reach the L2 at ${url}: ${why}`, { cause: e });
  }
  const provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: options.pollingInterval ?? 250 });
  return { provider, chainId };
}
