import { isMetisError, type BlockLog, type Hex } from '@metis/core';
import { loadArtifact } from '@metis/contracts';
import { AbiCoder, Contract, Interface, concat, getBytes, keccak256, zeroPadValue, toBeHex } from 'ethers';
import { describe, expect, it } from 'vitest';
import { startL1 } from '../testing/l1-env.js';
import {
  EMPTY_WITHDRAWAL_ROOT,
  MESSAGE_PASSER_ADDRESS,
  WITHDRAWAL_INITIATED_EVENT,
  WITHDRAWAL_INITIATED_TOPIC,
  collectWithdrawals,
  withdrawalHash,
  withdrawalLeaf,
  withdrawalProof,
  withdrawalRoot,
  withdrawalRootOf,
  type Withdrawal,
} from './withdrawals.js';

const abi = AbiCoder.defaultAbiCoder();
const TYPES = ['uint256', 'address', 'address', 'address', 'uint256'];
const addr = (n: number): Hex => `0x${n.toString(16).padStart(40, '0')}`;
const withdrawal = (nonce: number): Withdrawal => ({ nonce: BigInt(nonce), sender: addr(0x1000 + nonce), to: addr(0x2000 + nonce), l1Token: addr(nonce % 2 ? 0 : 0xe0), amount: BigInt(nonce) * 10n ** 15n + 1n });

/** The leaf as the L1 computes it, with ethers only. */
const ethersLeaf = (w: Withdrawal): string => keccak256(keccak256(abi.encode(TYPES, [w.nonce, w.sender, w.to, w.l1Token, w.amount])));

/** OpenZeppelin MerkleProof.processProof: hash sorted pairs up the tree. */
function processProof(leaf: string, proof: readonly string[]): string {
  return proof.reduce((node, sibling) => (BigInt(node) < BigInt(sibling) ? keccak256(concat([node, sibling])) : keccak256(concat([sibling, node]))), leaf);
}

/** The log the MessagePasser emits for `w`. */
function logOf(w: Withdrawal, emitter: string = MESSAGE_PASSER_ADDRESS, txIndex = 0): BlockLog {
  return {
    address: emitter as Hex,
    topics: [WITHDRAWAL_INITIATED_TOPIC, toBeHex(w.nonce, 32) as Hex, zeroPadValue(w.sender, 32) as Hex, zeroPadValue(w.to, 32) as Hex],
    data: abi.encode(['address', 'uint256', 'bytes32'], [w.l1Token, w.amount, withdrawalHash(w)]) as Hex,
    txIndex,
  };
}

describe('withdrawals', () => {
  it('exports the event fragment and its topic', () => {
    const passer = new Interface(loadArtifact('MessagePasser').abi as never);
    expect(passer.getEvent('WithdrawalInitiated')!.topicHash).toBe(WITHDRAWAL_INITIATED_TOPIC);
    expect(new Interface([WITHDRAWAL_INITIATED_EVENT]).getEvent('WithdrawalInitiated')!.format('full')).toBe(passer.getEvent('WithdrawalInitiated')!.format('full'));
  });

  it('builds a root every proof verifies against, with leaves computed by ethers', () => {
    const ws = Array.from({ length: 7 }, (_, i) => withdrawal(i));
    const root = withdrawalRoot(ws);
    for (const w of ws) {
      expect(withdrawalLeaf(w)).toBe(ethersLeaf(w));
      const proof = withdrawalProof(ws, w);
      expect(proof.length).toBeGreaterThan(0);
      expect(processProof(ethersLeaf(w), proof)).toBe(root);
    }
    // a proof does not verify another withdrawal, nor a changed amount
    expect(processProof(ethersLeaf(ws[1]!), withdrawalProof(ws, ws[0]!))).not.toBe(root);
    expect(processProof(ethersLeaf({ ...ws[0]!, amount: ws[0]!.amount + 1n }), withdrawalProof(ws, ws[0]!))).not.toBe(root);
  });

  it('gives a one-withdrawal tree the leaf as root and an empty proof', () => {
    const w = withdrawal(5);
    expect(withdrawalRoot([w])).toBe(ethersLeaf(w));
    expect(withdrawalProof([w], w)).toEqual([]);
    expect(processProof(ethersLeaf(w), [])).toBe(withdrawalRoot([w]));
  });

  it('gives the zero root when there are no withdrawals', () => {
    expect(withdrawalRoot([])).toBe(EMPTY_WITHDRAWAL_ROOT);
    expect(withdrawalRootOf([])).toBe(EMPTY_WITHDRAWAL_ROOT);
  });

  it('refuses a proof for a withdrawal not in the batch', () => {
    const err = (() => {
      try {
        withdrawalProof([withdrawal(1)], withdrawal(2));
      } catch (e) {
        return e;
      }
    })();
    expect(isMetisError(err, 'BATCH_INVALID')).toBe(true);
  });

  it('collects WithdrawalInitiated logs of the MessagePasser only, in order', () => {
    const ws = [withdrawal(3), withdrawal(4), withdrawal(5)];
    const other = { address: addr(0xbeef), topics: [keccak256('0x01') as Hex], data: '0x' as Hex, txIndex: 0 };
    const logs: BlockLog[] = [
      logOf(ws[0]!),
      logOf(withdrawal(99), addr(0x4200)), // the same event from a foreign emitter
      other,
      { ...other, address: MESSAGE_PASSER_ADDRESS }, // another event of the passer
      logOf(ws[1]!, MESSAGE_PASSER_ADDRESS.toUpperCase().replace('0X', '0x'), 1),
      logOf(ws[2]!, MESSAGE_PASSER_ADDRESS, 2),
    ];
    expect(collectWithdrawals(logs)).toEqual(ws);
    expect(withdrawalRootOf(logs)).toBe(withdrawalRoot(ws));
    expect(withdrawalRootOf([logOf(withdrawal(99), addr(0x4200))])).toBe(EMPTY_WITHDRAWAL_ROOT);
  });

  it('reports malformed WithdrawalInitiated logs of the MessagePasser as BATCH_INVALID', () => {
    const good = logOf(withdrawal(1));
    const bad: BlockLog[] = [
      { ...good, topics: good.topics.slice(0, 3) }, // 3 topics
      { ...good, topics: [...good.topics, good.topics[1]!] }, // 5 topics
      { ...good, data: `${good.data}00` as Hex }, // data too long
      { ...good, data: good.data.slice(0, -64) as Hex }, // data too short
      { ...good, topics: [good.topics[0]!, good.topics[1]!, `0x${'ff'.repeat(32)}` as Hex, good.topics[3]!] }, // sender not an address
      { ...good, data: abi.encode(['address', 'uint256', 'bytes32'], [addr(0), 1n, `0x${'00'.repeat(32)}`]) as Hex }, // wrong withdrawalHash
    ];
    for (const log of bad) {
      let error: unknown;
      try {
        collectWithdrawals([log], { index: 4n });
      } catch (e) {
        error = e;
      }
      expect(isMetisError(error, 'BATCH_INVALID')).toBe(true);
    }
    // a repeated nonce
    expect(() => collectWithdrawals([good, good])).toThrow(/repeats/);
  });

  it('decodes the events the real MessagePasser emits, with the hashes it records', async () => {
    const l1 = await startL1();
    try {
      const { abi: passerAbi, deployedBytecode } = loadArtifact('MessagePasser');
      const L2_BRIDGE = '0x4200000000000000000000000000000000000010';
      await l1.provider.send('anvil_setCode', [MESSAGE_PASSER_ADDRESS, deployedBytecode]);
      await l1.provider.send('anvil_setBalance', [L2_BRIDGE, toBeHex(10n ** 18n)]);
      await l1.provider.send('anvil_impersonateAccount', [L2_BRIDGE]);
      const bridge = await l1.provider.getSigner(L2_BRIDGE);
      const passer = new Contract(MESSAGE_PASSER_ADDRESS, passerAbi as never, bridge);
      const expected = [withdrawal(0), withdrawal(1), withdrawal(2)];
      const logs: BlockLog[] = [];
      for (const w of expected) {
        const receipt = await (await passer.getFunction('initiateWithdrawal')(w.sender, w.to, w.l1Token, w.amount)).wait();
        for (const log of receipt!.logs) logs.push({ address: log.address.toLowerCase() as Hex, topics: log.topics as Hex[], data: log.data as Hex, txIndex: log.transactionIndex });
      }
      const collected = collectWithdrawals(logs);
      expect(collected).toEqual(expected);
      for (const w of collected) expect(await passer.getFunction('sentMessages')(withdrawalHash(w))).toBe(true);
      expect(getBytes(withdrawalRootOf(logs))).toHaveLength(32);
    } finally {
      await l1.stop();
    }
  });
});
