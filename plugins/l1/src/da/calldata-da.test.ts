import { randomBytes } from 'node:crypto';
import { isMetisError, type Hex } from '@metis/core';
import { loadArtifact } from '@metis/contracts';
import { deployL1 } from '../dev/deploy-l1.js';
import { Interface, keccak256 } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../bytes.js';
import { TxSender } from '../l1/tx-sender.js';
import { startFaultyRpc } from '../testing/faulty-rpc.js';
import { l1Provider, startL1, type L1Env } from '../testing/l1-env.js';
import { CalldataDA } from './calldata-da.js';
import { encodeCalldataCommitment } from './commitment.js';
import { DATA_INBOX_ABI, PUBLISH_SELECTOR, dataInboxInterface } from './data-inbox.js';

const CHAIN_ID = 901n;
const fast = { pollIntervalMs: 20, retry: { attempts: 3, baseDelayMs: 5 } };
const hashOf = (data: Uint8Array): Hex => keccak256(data) as Hex;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isMetisError(e)) return e.descriptor.name;
    throw e;
  }
  throw new Error('expected a MetisError, but it resolved');
}

describe('DataInbox ABI', () => {
  it('matches the compiled artifact', () => {
    const artifact = new Interface(loadArtifact('DataInbox').abi as never);
    for (const fragment of new Interface(DATA_INBOX_ABI).fragments) {
      expect(artifact.fragments.map((f) => f.format('full'))).toContain(fragment.format('full'));
    }
    expect(PUBLISH_SELECTOR).toBe(artifact.getFunction('publish')!.selector);
  });
});

describe('CalldataDA on anvil', () => {
  let l1: L1Env;
  let dataInbox: string;
  let otherInbox: string;
  let da: CalldataDA;
  beforeAll(async () => {
    l1 = await startL1();
    const deployment = await deployL1(l1.wallet(0), { unbondingDelay: 3_600 });
    dataInbox = deployment.addresses.dataInbox;
    otherInbox = await (await l1.deploy('DataInbox')).getAddress();
    const sender = new TxSender(l1.wallet(1), l1.provider, fast);
    da = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider: l1.provider, sender, options: { retry: fast.retry } });
  });
  afterAll(() => l1?.stop());

  it('is kind 1, "calldata"', () => {
    expect(da.kind).toBe(1);
    expect(da.name).toBe('calldata');
  });

  it('round-trips small data in one transaction', async () => {
    const data = new TextEncoder().encode('hello, L1');
    const commitment = await da.publish(data);
    expect(commitment.length).toBe(33);
    expect(commitment[0]).toBe(1);
    const tx = await l1.provider.getTransaction(bytesToHex(commitment.subarray(1)));
    expect(tx!.to).toBe(dataInbox);
    expect(await da.retrieve(commitment, hashOf(data))).toEqual(data);
  });

  it('round-trips empty data with no transaction (commitment 0x01)', async () => {
    const empty = new Uint8Array();
    const commitment = await da.publish(empty);
    expect(bytesToHex(commitment)).toBe('0x01');
    expect(await da.retrieve(commitment, hashOf(empty))).toEqual(empty);
    expect(await codeOf(da.retrieve(commitment, hashOf(Uint8Array.of(0))))).toBe('DA_INVALID');
  });

  it('splits ~300 KB over 120,000-byte chunks, one transaction each, and reassembles them in order', async () => {
    const data = new Uint8Array(randomBytes(300_000));
    const commitment = await da.publish(data);
    expect(commitment.length).toBe(1 + 3 * 32);
    const sizes = [];
    for (let i = 0; i < 3; i++) {
      const tx = await l1.provider.getTransaction(bytesToHex(commitment.subarray(1 + 32 * i, 33 + 32 * i)));
      sizes.push(hexToBytes(dataInboxInterface.decodeFunctionData('publish', tx!.data)[1] as string).length);
    }
    expect(sizes).toEqual([120_000, 120_000, 60_000]);
    expect(await da.retrieve(commitment, hashOf(data))).toEqual(data);
    // the same hashes in another order are other data
    const swapped = Uint8Array.from([1, ...commitment.subarray(33, 65), ...commitment.subarray(1, 33), ...commitment.subarray(65)]);
    expect(await codeOf(da.retrieve(swapped, hashOf(data)))).toBe('DA_INVALID');
  });

  it('honours a configured chunk size', async () => {
    const small = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider: l1.provider, sender: new TxSender(l1.wallet(2), l1.provider, fast), options: { chunkSize: 10 } });
    const data = new Uint8Array(randomBytes(25));
    const commitment = await small.publish(data);
    expect(commitment.length).toBe(1 + 3 * 32);
    expect(await da.retrieve(commitment, hashOf(data))).toEqual(data);
  });

  it('refuses data whose hash is not the expected one (DA_INVALID)', async () => {
    const data = new TextEncoder().encode('batch');
    const commitment = await da.publish(data);
    expect(await codeOf(da.retrieve(commitment, hashOf(new TextEncoder().encode('batcH'))))).toBe('DA_INVALID');
  });

  it('reports an unknown transaction hash as DA_UNAVAILABLE', async () => {
    const commitment = encodeCalldataCommitment([`0x${'ab'.repeat(32)}`]);
    expect(await codeOf(da.retrieve(commitment, hashOf(new Uint8Array())))).toBe('DA_UNAVAILABLE');
  });

  it('refuses a publish to another contract (even another DataInbox) as DA_INVALID', async () => {
    const data = new TextEncoder().encode('elsewhere');
    const elsewhere = new CalldataDA({ chainId: CHAIN_ID, dataInbox: otherInbox, provider: l1.provider, sender: new TxSender(l1.wallet(2), l1.provider, fast) });
    const commitment = await elsewhere.publish(data);
    expect(await elsewhere.retrieve(commitment, hashOf(data))).toEqual(data);
    expect(await codeOf(da.retrieve(commitment, hashOf(data)))).toBe('DA_INVALID');
  });

  it('refuses data published for another chain as DA_INVALID', async () => {
    const data = new TextEncoder().encode('chain 902');
    const other = new CalldataDA({ chainId: CHAIN_ID + 1n, dataInbox, provider: l1.provider, sender: new TxSender(l1.wallet(2), l1.provider, fast) });
    const commitment = await other.publish(data);
    expect(await codeOf(da.retrieve(commitment, hashOf(data)))).toBe('DA_INVALID');
  });

  it('refuses a transaction to the DataInbox that is not a canonical publish call as DA_INVALID', async () => {
    const wallet = l1.wallet(3);
    const canonical = dataInboxInterface.encodeFunctionData('publish', [CHAIN_ID, Uint8Array.of(1, 2, 3)]);
    // trailing bytes: Solidity accepts the call, the DA does not
    const padded = await (await wallet.sendTransaction({ to: dataInbox, data: `${canonical}00` })).wait();
    expect(padded!.status).toBe(1);
    expect(await codeOf(da.retrieve(encodeCalldataCommitment([padded!.hash]), hashOf(Uint8Array.of(1, 2, 3))))).toBe('DA_INVALID');
    // another selector (reverts on L1, but its calldata is there)
    const wrong = await wallet.sendTransaction({ to: dataInbox, data: '0x12345678', gasLimit: 100_000n });
    await l1.provider.waitForTransaction(wrong.hash);
    expect(await codeOf(da.retrieve(encodeCalldataCommitment([wrong.hash]), hashOf(new Uint8Array())))).toBe('DA_INVALID');
    // the selector, then garbage
    const garbage = await wallet.sendTransaction({ to: dataInbox, data: `${PUBLISH_SELECTOR}${'ff'.repeat(40)}`, gasLimit: 100_000n });
    await l1.provider.waitForTransaction(garbage.hash);
    expect(await codeOf(da.retrieve(encodeCalldataCommitment([garbage.hash]), hashOf(new Uint8Array())))).toBe('DA_INVALID');
  });

  it('refuses malformed commitments as DA_INVALID', async () => {
    const anyHash = hashOf(new Uint8Array());
    const valid = await da.publish(Uint8Array.of(7));
    for (const bad of [
      new Uint8Array(),
      Uint8Array.of(0x02, ...valid.subarray(1)), // unknown version
      Uint8Array.of(0x00),
      valid.subarray(0, 32), // truncated hash
      Uint8Array.of(...valid, 0xaa), // trailing byte
      valid.subarray(1), // no version byte
    ]) {
      expect(await codeOf(da.retrieve(bad, anyHash))).toBe('DA_INVALID');
    }
    const tooMany = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider: l1.provider, options: { maxChunks: 2 } });
    expect(await codeOf(tooMany.retrieve(encodeCalldataCommitment([anyHash, anyHash, anyHash]), anyHash))).toBe('DA_INVALID');
  });

  it('refuses data over maxDataBytes as DA_INVALID', async () => {
    const data = new Uint8Array(randomBytes(100));
    const commitment = await da.publish(data);
    const bounded = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider: l1.provider, options: { maxDataBytes: 99 } });
    expect(await codeOf(bounded.retrieve(commitment, hashOf(data)))).toBe('DA_INVALID');
  });

  it('retrieves without a key, but cannot publish', async () => {
    const data = new TextEncoder().encode('replica');
    const commitment = await da.publish(data);
    const replica = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider: l1.provider });
    expect(await replica.retrieve(commitment, hashOf(data))).toEqual(data);
    expect(await codeOf(replica.publish(data))).toBe('L1_TX_FAILED');
  });

  it('retrieves through transient L1 faults, and reports DA_UNAVAILABLE when the L1 stays down', async () => {
    const data = new Uint8Array(randomBytes(50));
    const commitment = await da.publish(data);
    const proxy = await startFaultyRpc(l1.anvil.url);
    const provider = l1Provider(proxy.url);
    try {
      const replica = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider, options: { retry: { attempts: 4, baseDelayMs: 5 } } });
      proxy.failMethod('eth_getTransactionByHash', { kind: 'http', status: 500 }, 2);
      proxy.failMethod('eth_getTransactionByHash', { kind: 'close' }, 1);
      expect(await replica.retrieve(commitment, hashOf(data))).toEqual(data);
      proxy.failNext(Number.POSITIVE_INFINITY, { kind: 'rpc-error', code: -32000, message: 'header not found' });
      expect(await codeOf(replica.retrieve(commitment, hashOf(data)))).toBe('DA_UNAVAILABLE');
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });

  it('publishes through L1 faults: each chunk lands once', async () => {
    const proxy = await startFaultyRpc(l1.anvil.url);
    const provider = l1Provider(proxy.url);
    try {
      const wallet = l1.wallet(4, provider);
      const before = await l1.provider.getTransactionCount(wallet.address);
      const faulty = new CalldataDA({
        chainId: CHAIN_ID,
        dataInbox,
        provider,
        sender: new TxSender(wallet, provider, { ...fast, retry: { attempts: 6, baseDelayMs: 5 } }),
        options: { chunkSize: 1_000 },
      });
      proxy.failMethod('eth_sendRawTransaction', { kind: 'drop-response' }, 2);
      proxy.failMethod('eth_getTransactionReceipt', { kind: 'http', status: 503 }, 2);
      const data = new Uint8Array(randomBytes(2_500));
      const commitment = await faulty.publish(data);
      expect(await da.retrieve(commitment, hashOf(data))).toEqual(data);
      expect(await l1.provider.getTransactionCount(wallet.address)).toBe(before + 3);
    } finally {
      provider.destroy();
      await proxy.close();
    }
  });
});

describe('CalldataDA with an unmined publish (anvil --no-mining)', () => {
  let l1: L1Env;
  beforeAll(async () => {
    l1 = await startL1({ args: ['--no-mining'] });
  });
  afterAll(() => l1?.stop());

  it('reports a transaction still in the pool as DA_UNAVAILABLE', async () => {
    const inbox = await (await l1.deploy('DataInbox')).getAddress();
    const data = Uint8Array.of(1, 2, 3);
    const tx = await l1.wallet(1).sendTransaction({ to: inbox, data: dataInboxInterface.encodeFunctionData('publish', [CHAIN_ID, data]), gasLimit: 100_000n });
    const da = new CalldataDA({ chainId: CHAIN_ID, dataInbox: inbox, provider: l1.provider });
    expect(await codeOf(da.retrieve(encodeCalldataCommitment([tx.hash]), hashOf(data)))).toBe('DA_UNAVAILABLE');
    await l1.mine(1);
    expect(await da.retrieve(encodeCalldataCommitment([tx.hash]), hashOf(data))).toEqual(data);
  });
});
