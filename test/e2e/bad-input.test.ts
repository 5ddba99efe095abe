import { Transaction, Wallet, hexlify, randomBytes } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_ID, DEV_ADDRESSES, DEV_KEYS, call, callError, removeDir, startDevnet, waitForReceipt, type Devnet } from './harness.js';

/**
 * Every rejection at ingest is a JSON-RPC error with a stable code (`data.metisCode`), and nothing is
 * stored: the hash is unknown afterwards and the sender's pending nonce has not moved.
 */
describe('bad transactions are rejected with stable codes and change nothing', () => {
  let node: Devnet;
  const signer = new Wallet(DEV_KEYS[3]);
  const base = { type: 2, chainId: CHAIN_ID, to: DEV_ADDRESSES[0], value: 1n, gasLimit: 21_000n, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };

  beforeAll(async () => {
    node = await startDevnet();
  });
  afterAll(async () => {
    await node?.stop();
    if (node) await removeDir(node.dataDir);
  });

  const nonceOf = async (address: string): Promise<bigint> => BigInt(await call(node.url, 'eth_getTransactionCount', [address, 'pending']));

  async function expectRejected(raw: string, metisCode: string, rpcCode = -32000): Promise<void> {
    const before = await nonceOf(signer.address);
    const error = await callError(node.url, 'eth_sendRawTransaction', [raw]);
    expect(error.data?.metisCode, error.message).toBe(metisCode);
    expect(error.code).toBe(rpcCode);
    let hash: string | undefined;
    try {
      hash = Transaction.from(raw).hash ?? undefined;
    } catch {
      hash = undefined;
    }
    if (hash) expect(await call(node.url, 'eth_getTransactionByHash', [hash])).toBeNull();
    expect(await nonceOf(signer.address)).toBe(before);
  }

  it('rejects bytes that are not a transaction', async () => {
    await expectRejected('0xf8ff00', 'METIS-401', -32602); // RLP list whose length runs past the end
    await expectRejected('0x02c0', 'METIS-401', -32602); // typed envelope with an empty body
    await expectRejected('0x1234', 'METIS-415'); // type 0x12 does not exist
    const error = await callError(node.url, 'eth_sendRawTransaction', ['not hex']);
    expect(error.code).toBe(-32602);
  });

  it('rejects an unsigned transaction', async () => {
    const unsigned = Transaction.from({ ...base, nonce: 0 }).unsignedSerialized;
    const error = await callError(node.url, 'eth_sendRawTransaction', [unsigned]);
    expect(['METIS-401', 'METIS-402']).toContain(error.data?.metisCode);
  });

  it('rejects a wrong chain id and a transaction without EIP-155 replay protection', async () => {
    await expectRejected(await signer.signTransaction({ ...base, nonce: 0, chainId: 1 }), 'METIS-404');
    const legacy = await signer.signTransaction({ type: 0, chainId: 0, nonce: 0, to: DEV_ADDRESSES[0], value: 1n, gasLimit: 21_000n, gasPrice: 100_000_000_000n });
    expect(Transaction.from(legacy).chainId).toBe(0n);
    await expectRejected(legacy, 'METIS-403');
  });

  it('rejects nonces too low and too far ahead', async () => {
    const first = await signer.signTransaction({ ...base, nonce: 0 });
    const hash = await call(node.url, 'eth_sendRawTransaction', [first]);
    await waitForReceipt(node.url, hash);
    await expectRejected(await signer.signTransaction({ ...base, nonce: 0, value: 2n }), 'METIS-405');
    await expectRejected(await signer.signTransaction({ ...base, nonce: 1_000 }), 'METIS-406');
  });

  it('rejects a sender who cannot pay, too little gas, too much gas, too large, and too cheap', async () => {
    const nonce = Number(await nonceOf(signer.address));
    const poor = Wallet.createRandom();
    const error = await callError(node.url, 'eth_sendRawTransaction', [await poor.signTransaction({ ...base, nonce: 0 })]);
    expect(error.data?.metisCode).toBe('METIS-407');
    expect(error.message).toMatch(/insufficient funds/);
    await expectRejected(await signer.signTransaction({ ...base, nonce, gasLimit: 20_000n }), 'METIS-408');
    await expectRejected(await signer.signTransaction({ ...base, nonce, gasLimit: 1_000_000_000n }), 'METIS-409');
    await expectRejected(await signer.signTransaction({ ...base, nonce, gasLimit: 10_000_000n, data: hexlify(randomBytes(129 * 1024)) }), 'METIS-410');
    await expectRejected(await signer.signTransaction({ ...base, nonce, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }), 'METIS-411');
  });

  it('replaces a waiting transaction only for a higher fee, and knows a duplicate', async () => {
    const nonce = Number(await nonceOf(signer.address));
    // nonce + 1 waits in the pool behind a gap.
    const waiting = await signer.signTransaction({ ...base, nonce: nonce + 1 });
    const hash = await call(node.url, 'eth_sendRawTransaction', [waiting]);
    expect((await callError(node.url, 'eth_sendRawTransaction', [waiting])).data?.metisCode).toBe('METIS-413');
    const same = await signer.signTransaction({ ...base, nonce: nonce + 1, value: 2n });
    expect((await callError(node.url, 'eth_sendRawTransaction', [same])).data?.metisCode).toBe('METIS-412');
    const bumped = await signer.signTransaction({ ...base, nonce: nonce + 1, value: 3n, maxFeePerGas: 120_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n });
    const bumpedHash = await call(node.url, 'eth_sendRawTransaction', [bumped]);
    expect(await call(node.url, 'eth_getTransactionByHash', [hash])).toBeNull();
    const gap = await call(node.url, 'eth_sendRawTransaction', [await signer.signTransaction({ ...base, nonce })]);
    expect((await waitForReceipt(node.url, bumpedHash)).status).toBe('0x1');
    expect((await waitForReceipt(node.url, gap)).status).toBe('0x1');
  });
});
