import { ERRORS, MetisError, type Hex, type IngestContext } from '@metis/core';
import type { EvmStateView } from '@metis/evm';
import type { MempoolOptions } from '../options.js';
import { TxValidator, toPooledTx } from '../validate.js';

/** Milliseconds a forwarded transaction may wait for the sequencer's answer. */
export const FORWARD_TIMEOUT_MS = 10_000;

export interface TxForwarderConfig {
  /** The sequencer's JSON-RPC URL; without one every transaction is refused with TX_READ_ONLY. */
  readonly sequencerRpc?: string;
  readonly timeoutMs?: number;
}

interface JsonRpcReply {
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/**
 * The ingest provider of a read-only replica: nothing is pooled. A transaction passes the stateless checks
 * that cost nothing to a replica (size, type, decoding, signature, replay protection, chain id, gas
 * sanity; not the price floor, which follows the sequencer's head) and its raw bytes go to the sequencer
 * with `eth_sendRawTransaction`. The sequencer's hash is the answer; its JSON-RPC error reaches the client
 * with the same code, message and data (TX_FORWARD_REJECTED carries them). Without a sequencer URL every
 * transaction is refused with TX_READ_ONLY.
 */
export class TxForwarder {
  private validator?: TxValidator;

  constructor(
    private readonly options: MempoolOptions,
    private readonly config: TxForwarderConfig,
  ) {}

  start(state: EvmStateView): void {
    this.validator = new TxValidator(this.options, state);
  }

  async ingest(ctx: IngestContext): Promise<void> {
    const { sequencerRpc } = this.config;
    if (!sequencerRpc) throw new MetisError('TX_READ_ONLY');
    if (!this.validator) throw new MetisError('NODE_STATE', { action: 'accept transactions', state: 'not started' });
    const decoded = this.validator.decode(ctx.raw);
    const candidate = this.validator.check(decoded, ctx.source, { priceFloor: false });
    const hash = await this.forward(sequencerRpc, decoded.raw);
    ctx.accepted = toPooledTx({ ...candidate, hash });
  }

  /** Sends the raw bytes to the sequencer; resolves with its hash or throws its error. */
  private async forward(url: string, raw: Uint8Array): Promise<Hex> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction', params: [`0x${Buffer.from(raw).toString('hex')}`] });
    let reply: JsonRpcReply;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? FORWARD_TIMEOUT_MS),
      });
      const text = await res.text();
      try {
        reply = JSON.parse(text) as JsonRpcReply;
      } catch {
        throw new Error(`HTTP ${res.status}, not a JSON-RPC reply: ${text.slice(0, 80)}`);
      }
    } catch (e) {
      throw new MetisError('TX_FORWARD_FAILED', { reason: `${url}: ${(e as Error).message}` }, { cause: e });
    }
    const { error, result } = reply ?? {};
    if (error) {
      const code = typeof error.code === 'number' && Number.isInteger(error.code) ? error.code : -32000;
      const message = typeof error.message === 'string' ? error.message : 'the sequencer refused the transaction';
      throw new MetisError({ ...ERRORS.TX_FORWARD_REJECTED, rpcCode: code }, { message }, error.data === undefined ? {} : { data: error.data });
    }
    if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(result)) {
      throw new MetisError('TX_FORWARD_FAILED', { reason: `${url}: the reply holds no transaction hash` });
    }
    return result.toLowerCase() as Hex;
  }
}
