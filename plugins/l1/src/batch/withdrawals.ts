import { MetisError, type BlockLog, type Hex } from '@metis/core';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { AbiCoder, EventFragment, keccak256 } from 'ethers';

/**
 * L2 → L1 withdrawals of a batch, as the L1 Bridge proves them: the `WithdrawalInitiated` events of the
 * MessagePasser predeploy (contracts/src/l2/MessagePasser.sol) become the leaves of an OpenZeppelin
 * StandardMerkleTree over (uint256 nonce, address sender, address to, address l1Token, uint256 amount);
 * leaf = keccak256(bytes.concat(keccak256(abi.encode(tuple)))), as contracts/src/common/Withdrawals.sol.
 */

/** The MessagePasser predeploy; the same event from any other address is not a withdrawal. */
export const MESSAGE_PASSER_ADDRESS: Hex = '0x4200000000000000000000000000000000000016';

/** The event's ABI, human-readable. */
export const WITHDRAWAL_INITIATED_EVENT =
  'event WithdrawalInitiated(uint256 indexed nonce, address indexed sender, address indexed to, address l1Token, uint256 amount, bytes32 withdrawalHash)';
export const withdrawalInitiatedFragment = EventFragment.from(WITHDRAWAL_INITIATED_EVENT);
/** topic0 of WithdrawalInitiated. */
export const WITHDRAWAL_INITIATED_TOPIC = withdrawalInitiatedFragment.topicHash as Hex;

/** The leaf encoding of the withdrawal tree. */
export const WITHDRAWAL_LEAF_TYPES = ['uint256', 'address', 'address', 'address', 'uint256'];

/** The zero root: a batch without withdrawals. */
export const EMPTY_WITHDRAWAL_ROOT: Hex = `0x${'00'.repeat(32)}`;

/** One withdrawal (Solidity `Withdrawal`); `l1Token` is the zero address for ETH. Addresses lower-case. */
export interface Withdrawal {
  readonly nonce: bigint;
  readonly sender: Hex;
  readonly to: Hex;
  readonly l1Token: Hex;
  readonly amount: bigint;
}

type LeafValue = [bigint, Hex, Hex, Hex, bigint];

const abi = AbiCoder.defaultAbiCoder();
const leafValue = (w: Withdrawal): LeafValue => [w.nonce, w.sender, w.to, w.l1Token, w.amount];

/** keccak256(abi.encode(w)): the withdrawal's id (MessagePasser.sentMessages, the event's `withdrawalHash`). */
export function withdrawalHash(w: Withdrawal): Hex {
  return keccak256(abi.encode(WITHDRAWAL_LEAF_TYPES, leafValue(w))) as Hex;
}

/** The tree leaf: keccak256(bytes.concat(withdrawalHash(w))). */
export function withdrawalLeaf(w: Withdrawal): Hex {
  return keccak256(withdrawalHash(w)) as Hex;
}

export interface CollectOptions {
  /** The batch's index, for error messages. */
  index?: bigint | number;
}

const WORD = /^0x[0-9a-f]{64}$/;

/** The address in a 32-byte word, or undefined when its upper 12 bytes are not zero. */
function wordToAddress(word: string): Hex | undefined {
  return word.slice(2, 26) === '0'.repeat(24) ? (`0x${word.slice(26)}` as Hex) : undefined;
}

/**
 * The withdrawals in `logs` (a batch's logs, in block order): the WithdrawalInitiated events emitted by
 * {@link MESSAGE_PASSER_ADDRESS}; other events and other emitters are ignored.
 *
 * A WithdrawalInitiated log from the MessagePasser that does not decode exactly (topic count, data length,
 * address words), whose `withdrawalHash` is not keccak256(abi.encode(withdrawal)), or whose nonce repeats is
 * **reported**, not skipped: MetisError BATCH_INVALID. The predeploy is the node's own code, so such a log
 * means the node and the contracts disagree, and a root built without that withdrawal would lock its funds
 * on L1 for good.
 */
export function collectWithdrawals(logs: readonly BlockLog[], options: CollectOptions = {}): Withdrawal[] {
  const out: Withdrawal[] = [];
  const nonces = new Set<bigint>();
  for (const [i, log] of logs.entries()) {
    if (log.address.toLowerCase() !== MESSAGE_PASSER_ADDRESS) continue;
    if (log.topics[0]?.toLowerCase() !== WITHDRAWAL_INITIATED_TOPIC) continue;
    const fail = (reason: string): never => {
      throw new MetisError('BATCH_INVALID', { index: options.index ?? 'withdrawals', reason: `WithdrawalInitiated log ${i} (tx ${log.txIndex}): ${reason}` });
    };
    if (log.topics.length !== 4) fail(`${log.topics.length} topics, expected 4`);
    const topics = log.topics.map((t) => t.toLowerCase());
    if (!topics.every((t) => WORD.test(t))) fail('a topic is not 32 bytes');
    const data = log.data.toLowerCase();
    if (!/^0x[0-9a-f]*$/.test(data) || data.length !== 2 + 3 * 64) fail(`data is ${(data.length - 2) / 2} bytes, expected 96`);
    const words = [0, 1, 2].map((k) => `0x${data.slice(2 + 64 * k, 66 + 64 * k)}`);
    const sender = wordToAddress(topics[2]!);
    const to = wordToAddress(topics[3]!);
    const l1Token = wordToAddress(words[0]!);
    if (!sender || !to || !l1Token) fail('an address word has non-zero upper bytes');
    const w: Withdrawal = { nonce: BigInt(topics[1]!), sender: sender!, to: to!, l1Token: l1Token!, amount: BigInt(words[1]!) };
    if (withdrawalHash(w) !== words[2]) fail(`withdrawalHash ${words[2]} is not keccak256(abi.encode(withdrawal)) ${withdrawalHash(w)}`);
    if (nonces.has(w.nonce)) fail(`nonce ${w.nonce} repeats`);
    nonces.add(w.nonce);
    out.push(w);
  }
  return out;
}

/** The StandardMerkleTree of `withdrawals`, or undefined when there are none. */
export function withdrawalTree(withdrawals: readonly Withdrawal[]): StandardMerkleTree<LeafValue> | undefined {
  return withdrawals.length === 0 ? undefined : StandardMerkleTree.of(withdrawals.map(leafValue), WITHDRAWAL_LEAF_TYPES);
}

/**
 * The withdrawal root: the tree's root, or {@link EMPTY_WITHDRAWAL_ROOT} when there are no withdrawals. With
 * one withdrawal the root is its leaf (and its proof is empty).
 */
export function withdrawalRoot(withdrawals: readonly Withdrawal[]): Hex {
  return (withdrawalTree(withdrawals)?.root as Hex | undefined) ?? EMPTY_WITHDRAWAL_ROOT;
}

/** The withdrawal root of a batch's logs: `withdrawalRoot(collectWithdrawals(logs))`. */
export function withdrawalRootOf(logs: readonly BlockLog[], options: CollectOptions = {}): Hex {
  return withdrawalRoot(collectWithdrawals(logs, options));
}

/**
 * The Merkle proof of `target` (matched on every field) in the tree of `withdrawals`, for the L1 Bridge's
 * `MerkleProof.verify`. Empty for a one-withdrawal tree. BATCH_INVALID when `target` is not among them.
 */
export function withdrawalProof(withdrawals: readonly Withdrawal[], target: Withdrawal): Hex[] {
  const key = withdrawalHash(target);
  const at = withdrawals.findIndex((w) => withdrawalHash(w) === key);
  const tree = withdrawalTree(withdrawals);
  if (at < 0 || !tree) throw new MetisError('BATCH_INVALID', { index: 'withdrawals', reason: `withdrawal nonce ${target.nonce} is not in this batch` });
  return tree.getProof(at) as Hex[];
}
