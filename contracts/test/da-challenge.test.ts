import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Contract, JsonRpcProvider, JsonRpcSigner, TransactionReceipt, Wallet } from 'ethers';
import { ContractFactory, concat, hexlify, keccak256, parseEther, randomBytes, toBeHex } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { CHALLENGER_ROLE, DA_KIND, SLASHER_ROLE, deployL1 } from '@metis/testkit';
import {
  ZERO_HASH,
  chainConfig,
  deployContract,
  devWallets,
  eventOf,
  eventsOf,
  expectRevert,
  freshAddress,
  header,
  headerHash,
  increaseTime,
  label,
  mineAt,
  mined,
  recordGas,
  type BatchHeader,
  useAnvil,
} from './helpers.js';

const I = 901n; // an IPFS chain (daKind 2)
const C = 902n; // an L1-calldata chain (daKind 1)
const WINDOW = 3600;
const RESPONSE = 600;
const DELAY = 7200; // unbonding delay >= challenge window + response window
const BOND = parseEther('0.1');
const ONE = parseEther('1');
const GENESIS_I = label('genesis-i');
const GENESIS_C = label('genesis-c');
/** The shape of a CIDv1 (dag-pb, sha2-256): the contract never reads it. */
const CID = `0x01701220${'ab'.repeat(32)}`;
const CHUNK_TYPES = ['uint256', 'bytes32'];
const STATUS = { None: 0n, Open: 1n, Expired: 2n, Stale: 3n } as const;

let provider: JsonRpcProvider;
let admin: Wallet;
let proposer: Wallet;
let challenger: Wallet;
let other: Wallet;
let treasury: string;
let registry: Contract;
let bonds: Contract;
let inbox: Contract;
let da: Contract;

const as = (c: Contract, w: Wallet | JsonRpcSigner): Contract => c.connect(w) as Contract;
const balance = (address: string): Promise<bigint> => provider.getBalance(address);

const env = useAnvil('da-challenge');

/** Batch data cut into chunks and committed to exactly as the IPFS plugin does. */
interface Committed {
  data: Uint8Array;
  chunks: Uint8Array[];
  chunkSize: number;
  commitment: string;
  root: string;
  tree?: StandardMerkleTree<[bigint, string]>;
}

function commit(data: Uint8Array, chunkSize: number): Committed {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  const tree = chunks.length
    ? StandardMerkleTree.of(chunks.map((chunk, i): [bigint, string] => [BigInt(i), keccak256(chunk)]), CHUNK_TYPES)
    : undefined;
  const root = tree?.root ?? ZERO_HASH;
  const commitment = concat(['0x02', root, toBeHex(chunks.length, 4), toBeHex(chunkSize, 4), CID]);
  return { data, chunks, chunkSize, commitment, root, ...(tree ? { tree } : {}) };
}

const proofOf = (c: Committed, i: number): string[] => c.tree!.getProof(i);

/** 1,000 bytes in chunks of 256: three full chunks and a last one of 232 bytes. */
let c4: Committed;

/** Header i of chain I (10 L2 blocks each), continuing headers 0..i-1 built the same way. */
function hI(i: number, c: Committed = c4, fields: Partial<BatchHeader> = {}): BatchHeader {
  return header({
    chainId: I,
    batchIndex: i,
    firstBlock: i * 10 + 1,
    lastBlock: i * 10 + 10,
    prevStateRoot: i === 0 ? GENESIS_I : label(`root-${i - 1}`),
    dataHash: keccak256(c.data),
    daCommitment: c.commitment,
    ...fields,
  });
}

const appendI = (i: number, c: Committed = c4, from: Wallet | JsonRpcSigner = proposer): Promise<TransactionReceipt> =>
  mined(as(inbox, from).appendBatch(hI(i, c)));

async function timestampOf(receipt: TransactionReceipt): Promise<number> {
  return (await provider.getBlock(receipt.blockNumber))!.timestamp;
}

/** Opens a challenge of chunk `chunk` of batch `i` of chain I; returns the receipt and the deadline. */
async function open(i: number, chunk: number, by: Wallet = challenger, c: Committed = c4): Promise<{ receipt: TransactionReceipt; deadline: bigint }> {
  const receipt = await mined(as(da, by).challenge(hI(i, c), chunk, { value: BOND }));
  return { receipt, deadline: BigInt((await timestampOf(receipt)) + RESPONSE) };
}

/** isFinalized evaluated in a block mined at exactly `timestamp`. */
async function finalizedAt(chainId: bigint, index: number, timestamp: number): Promise<boolean> {
  const blockTag = await mineAt(provider, timestamp);
  return inbox.isFinalized(chainId, index, { blockTag });
}

beforeAll(async () => {
  ({ provider } = env);
  [admin, proposer, challenger, other] = devWallets(provider, 4) as [Wallet, Wallet, Wallet, Wallet];
  treasury = freshAddress();
  const l1 = await deployL1(admin, {
    unbondingDelay: DELAY,
    treasury,
    challengers: [admin.address],
    daChallenge: { responseWindow: RESPONSE, minChallengeBond: BOND },
  });
  ({ chainRegistry: registry, bondManager: bonds, batchInbox: inbox, daChallenge: da } = l1);
  const parties = { owner: admin.address, proposer: proposer.address };
  await mined(registry.registerChain(I, chainConfig(parties, { challengeWindow: WINDOW, daKind: DA_KIND.IPFS, genesisStateRoot: GENESIS_I, minBond: ONE })));
  await mined(registry.registerChain(C, chainConfig(parties, { challengeWindow: WINDOW, daKind: DA_KIND.L1_CALLDATA, genesisStateRoot: GENESIS_C, minBond: ONE })));
  await mined(as(bonds, proposer).deposit(I, { value: 3n * ONE }));
  await mined(as(bonds, proposer).deposit(C, { value: ONE }));
  c4 = commit(randomBytes(1000), 256);
});

describe('DaChallenge: deployment and commitments', () => {
  it('is wired to the inbox, its registry and bond manager, and holds its roles', async () => {
    expect(await da.inbox()).toBe(inbox.target);
    expect(await da.registry()).toBe(registry.target);
    expect(await da.bonds()).toBe(bonds.target);
    expect(await da.responseWindow()).toBe(BigInt(RESPONSE));
    expect(await da.minChallengeBond()).toBe(BOND);
    expect(await da.REWARD_DIVISOR()).toBe(2n);
    expect(await inbox.hasRole(CHALLENGER_ROLE, da.target)).toBe(true);
    expect(await bonds.hasRole(SLASHER_ROLE, da.target)).toBe(true);
  });

  it('refuses a zero inbox, a zero response window and an inbox wired to another registry', async () => {
    const { abi, bytecode } = loadArtifact('DaChallenge');
    const factory = new ContractFactory(abi as never, bytecode, admin);
    await expectRevert(factory.deploy('0x0000000000000000000000000000000000000000', RESPONSE, BOND), 'ZeroAddress', ['inbox']);
    await expectRevert(factory.deploy(inbox.target, 0, BOND), 'ZeroResponseWindow', []);
    const otherRegistry = await deployContract(admin, 'ChainRegistry');
    const strayInbox = await deployContract(admin, 'BatchInbox', [otherRegistry.target, bonds.target, await inbox.bridge()]);
    await expectRevert(factory.deploy(strayInbox.target, RESPONSE, BOND), 'InconsistentWiring', []);
  });

  it('decodes commitments and computes the leaves of the StandardMerkleTree', async () => {
    const decoded = await da.decodeCommitment(c4.commitment);
    expect([...decoded]).toEqual([true, c4.root, 4n, 256n, CID]);
    expect([...(await da.decodeCommitment('0x01'))]).toEqual([false, ZERO_HASH, 0n, 0n, '0x']);
    expect((await da.decodeCommitment(`0x01${c4.commitment.slice(4)}`))[0]).toBe(false);
    expect((await da.decodeCommitment(c4.commitment.slice(0, 2 + 80)))[0]).toBe(false); // 40 bytes
    expect([...(await da.decodeCommitment(c4.commitment.slice(0, 2 + 82)))]).toEqual([true, c4.root, 4n, 256n, '0x']);
    for (const [i, chunk] of c4.chunks.entries()) {
      expect(await da.chunkLeaf(i, chunk)).toBe(c4.tree!.leafHash([BigInt(i), keccak256(chunk)]));
    }
  });

  it('accepts ETH only from the BondManager', async () => {
    await expectRevert(other.sendTransaction({ to: da.target, value: 1n }), 'UnexpectedEther', [other.address]);
  });
});

describe('DaChallenge: a challenge answered', () => {
  it('locks the batch; the answer reveals the chunk, unlocks the batch and pays the bond to the proposer', async () => {
    const appended = await appendI(0);
    const at = await timestampOf(appended);
    const h = hI(0);
    const hash = headerHash(h);
    const { receipt, deadline } = await open(0, 2);
    recordGas('DaChallenge.challenge', receipt);
    const opened = eventOf(da, receipt, 'ChallengeOpened');
    expect([...opened.args]).toEqual([I, 0n, 2n, challenger.address, hash, BOND, deadline]);
    expect(eventOf(inbox, receipt, 'BatchLocked').args.locks).toBe(1n);
    expect((await inbox.getBatch(I, 0)).locks).toBe(1n);
    expect([...(await da.challengeStatus(I, 0, 2))]).toEqual([STATUS.Open, deadline]);
    expect((await da.getChallenge(I, 0, 2)).toObject()).toEqual({
      challenger: challenger.address,
      deadline,
      chunkCount: 4n,
      headerHash: hash,
      chunkRoot: c4.root,
      bond: BOND,
      appendedAt: BigInt(at),
      chunkSize: 256n,
    });
    expect(await balance(da.target as string)).toBe(BOND);

    // Anyone may answer (here not the proposer).
    const chunk = c4.chunks[2]!;
    const answered = await mined(as(da, other).respond(I, 0, 2, chunk, proofOf(c4, 2)));
    recordGas('DaChallenge.respond (256-byte chunk of 4)', answered);
    const ev = eventOf(da, answered, 'ChallengeAnswered');
    expect([...ev.args]).toEqual([I, 0n, 2n, hash, keccak256(chunk), other.address, proposer.address, BOND]);
    expect([...eventOf(da, answered, 'Credited').args]).toEqual([proposer.address, BOND, BOND]);
    expect(eventOf(inbox, answered, 'BatchUnlocked').args.locks).toBe(0n);
    // The chunk is readable from the L1 transaction.
    const tx = await provider.getTransaction(answered.hash);
    expect(da.interface.parseTransaction({ data: tx!.data })!.args.chunk).toBe(hexlify(chunk));

    expect((await inbox.getBatch(I, 0)).locks).toBe(0n);
    expect(await da.isRevealed(hash, 2)).toBe(true);
    expect(await da.isRevealed(hash, 1)).toBe(false);
    expect([...(await da.challengeStatus(I, 0, 2))]).toEqual([STATUS.None, 0n]);
    expect(await da.balanceOf(proposer.address)).toBe(BOND);
    expect(await da.balanceOf(challenger.address)).toBe(0n);

    // A revealed chunk cannot be challenged again; answering again finds nothing.
    await expectRevert(as(da, other).challenge(h, 2, { value: BOND }), 'ChunkAlreadyRevealed', [I, 0, 2]);
    await expectRevert(as(da, other).respond(I, 0, 2, chunk, proofOf(c4, 2)), 'NoOpenChallenge', [I, 0, 2]);

    // The batch finalizes after its window as if never challenged.
    expect(await finalizedAt(I, 0, at + WINDOW - 1)).toBe(false);
    expect(await finalizedAt(I, 0, at + WINDOW)).toBe(true);

    // The proposer pulls its payment.
    const to = freshAddress();
    const paid = await mined(as(da, proposer).withdrawTo(to));
    recordGas('DaChallenge.withdrawTo', paid);
    expect([...eventOf(da, paid, 'Withdrawn').args]).toEqual([proposer.address, to, BOND]);
    expect(await balance(to)).toBe(BOND);
    expect(await balance(da.target as string)).toBe(0n);
    await expectRevert(as(da, proposer).withdraw(), 'NoBalance', [proposer.address]);
  });

  it('keeps the batch and every later one from finalizing while the challenge is open', async () => {
    const at = await timestampOf(await appendI(0));
    await appendI(1);
    const { deadline } = await open(0, 1);
    expect(await finalizedAt(I, 0, at + WINDOW + 1)).toBe(false);
    expect(await inbox.isFinalized(I, 1)).toBe(false);
    expect((await inbox.lastFinalizedBatch(I))[0]).toBe(false);
    // Past the deadline (and the window) it stays locked until someone resolves it.
    expect(BigInt(at + WINDOW + 1)).toBeGreaterThan(deadline);
    expect([...(await da.challengeStatus(I, 0, 1))]).toEqual([STATUS.Expired, deadline]);
    expect(await inbox.isFinalized(I, 0)).toBe(false);
  });

  it('a challenge opened at the end of the window holds the batch until answered', async () => {
    const at = await timestampOf(await appendI(0));
    await provider.send('evm_setNextBlockTimestamp', [at + WINDOW - 1]);
    const receipt = await mined(as(da, challenger).challenge(hI(0), 0, { value: BOND, gasLimit: 500_000 }));
    expect(await timestampOf(receipt)).toBe(at + WINDOW - 1);
    expect(await finalizedAt(I, 0, at + WINDOW + 100)).toBe(false);
    const answered = await mined(as(da, proposer).respond(I, 0, 0, c4.chunks[0]!, proofOf(c4, 0)));
    expect(await inbox.isFinalized(I, 0, { blockTag: answered.blockNumber })).toBe(true);
  });

  it('accepts an answer at the deadline, and the last chunk (shorter than chunkSize)', async () => {
    await appendI(0);
    const { deadline } = await open(0, 3);
    expect(c4.chunks[3]!.length).toBe(232);
    await provider.send('evm_setNextBlockTimestamp', [Number(deadline)]);
    const answered = await mined(as(da, proposer).respond(I, 0, 3, c4.chunks[3]!, proofOf(c4, 3), { gasLimit: 1_000_000 }));
    expect(await timestampOf(answered)).toBe(Number(deadline));
    expect(eventOf(da, answered, 'ChallengeAnswered').args.chunkHash).toBe(keccak256(c4.chunks[3]!));
  });

  it('answers a one-chunk batch with an empty proof (root == leaf)', async () => {
    const one = commit(randomBytes(100), 256);
    expect(one.root).toBe(one.tree!.leafHash([0n, keccak256(one.chunks[0]!)]));
    await appendI(0, one);
    await mined(as(da, challenger).challenge(hI(0, one), 0, { value: BOND }));
    await expectRevert(as(da, other).challenge(hI(0, one), 1, { value: BOND }), 'ChunkIndexOutOfRange', [I, 0, 1, 1]);
    const answered = await mined(as(da, proposer).respond(I, 0, 0, one.chunks[0]!, []));
    expect(eventOf(da, answered, 'ChallengeAnswered').args.chunkHash).toBe(keccak256(one.chunks[0]!));
  });

  it('challenges of several chunks of a batch are independent locks', async () => {
    await appendI(0);
    await open(0, 0);
    await open(0, 1, other);
    expect((await inbox.getBatch(I, 0)).locks).toBe(2n);
    await mined(as(da, proposer).respond(I, 0, 1, c4.chunks[1]!, proofOf(c4, 1)));
    expect((await inbox.getBatch(I, 0)).locks).toBe(1n);
    expect(await da.balanceOf(proposer.address)).toBe(BOND);
    await mined(as(da, proposer).respond(I, 0, 0, c4.chunks[0]!, proofOf(c4, 0)));
    expect((await inbox.getBatch(I, 0)).locks).toBe(0n);
    expect(await da.balanceOf(proposer.address)).toBe(2n * BOND);
  });
});

describe('DaChallenge: answers refused', () => {
  it('a wrong chunk, a wrong proof, another index, a wrong length', async () => {
    await appendI(0);
    await open(0, 1);
    const good = c4.chunks[1]!;
    const bad = Uint8Array.from(good);
    bad[7] ^= 1;
    const r = as(da, proposer);
    await expectRevert(r.respond(I, 0, 1, bad, proofOf(c4, 1)), 'InvalidChunkProof', [1, keccak256(bad)]);
    await expectRevert(r.respond(I, 0, 1, good, proofOf(c4, 0)), 'InvalidChunkProof', [1, keccak256(good)]);
    await expectRevert(r.respond(I, 0, 1, good, []), 'InvalidChunkProof', [1, keccak256(good)]);
    // Chunk 0 with its own valid proof does not answer for index 1 (the index is in the leaf).
    await expectRevert(r.respond(I, 0, 1, c4.chunks[0]!, proofOf(c4, 0)), 'InvalidChunkProof', [1, keccak256(c4.chunks[0]!)]);
    await expectRevert(r.respond(I, 0, 1, good.subarray(0, 255), proofOf(c4, 1)), 'WrongChunkLength', [1, 255, 256, 256]);
    await expectRevert(r.respond(I, 0, 1, concat([good, '0x00']), proofOf(c4, 1)), 'WrongChunkLength', [1, 257, 256, 256]);
    await expectRevert(r.respond(I, 0, 2, c4.chunks[2]!, proofOf(c4, 2)), 'NoOpenChallenge', [I, 0, 2]);
    await expectRevert(r.respond(I, 1, 1, good, proofOf(c4, 1)), 'NoOpenChallenge', [I, 1, 1]);
    expect((await inbox.getBatch(I, 0)).locks).toBe(1n);
  });

  it('the last chunk empty or longer than chunkSize', async () => {
    await appendI(0);
    await open(0, 3);
    const r = as(da, proposer);
    await expectRevert(r.respond(I, 0, 3, '0x', proofOf(c4, 3)), 'WrongChunkLength', [3, 0, 1, 256]);
    await expectRevert(r.respond(I, 0, 3, randomBytes(257), proofOf(c4, 3)), 'WrongChunkLength', [3, 257, 1, 256]);
    // A full-size last chunk is allowed by the length rule; this one is not the committed chunk.
    const full = randomBytes(256);
    await expectRevert(r.respond(I, 0, 3, full, proofOf(c4, 3)), 'InvalidChunkProof', [3, keccak256(full)]);
  });

  it('after the deadline', async () => {
    await appendI(0);
    const { deadline } = await open(0, 0);
    await increaseTime(provider, RESPONSE + 1);
    await expectRevert(as(da, proposer).respond(I, 0, 0, c4.chunks[0]!, proofOf(c4, 0)), 'ResponseWindowClosed', [I, 0, 0, deadline]);
  });
});

describe('DaChallenge: challenges refused', () => {
  it('a bond too small, an unknown batch or chain, a wrong header', async () => {
    await appendI(0);
    const c = as(da, challenger);
    await expectRevert(c.challenge(hI(0), 0, { value: BOND - 1n }), 'BondTooSmall', [BOND, BOND - 1n]);
    await expectRevert(c.challenge(hI(1), 0, { value: BOND }), 'BatchNotFound', [I, 1]);
    await expectRevert(c.challenge(hI(0, c4, { chainId: 999n }), 0, { value: BOND }), 'BatchNotFound', [999, 0]);
    const wrong = hI(0, c4, { withdrawalRoot: label('not-this') });
    await expectRevert(c.challenge(wrong, 0, { value: BOND }), 'WrongHeader', [I, 0, headerHash(hI(0)), headerHash(wrong)]);
    // Another commitment in an otherwise identical header is another header.
    const other4 = commit(randomBytes(1000), 256);
    await expectRevert(c.challenge(hI(0, other4, { dataHash: keccak256(c4.data) }), 0, { value: BOND }), 'WrongHeader');
  });

  it('a batch past its challenge window (so also a final one)', async () => {
    const at = await timestampOf(await appendI(0));
    // The last second of the window is still open.
    await provider.send('evm_setNextBlockTimestamp', [at + WINDOW - 1]);
    await mined(as(da, other).challenge(hI(0), 3, { value: BOND, gasLimit: 500_000 }));
    await mined(as(da, proposer).respond(I, 0, 3, c4.chunks[3]!, proofOf(c4, 3)));
    expect(await finalizedAt(I, 0, at + WINDOW + 1)).toBe(true);
    await expectRevert(as(da, challenger).challenge(hI(0), 0, { value: BOND }), 'ChallengeWindowClosed', [I, 0, at + WINDOW]);
  });

  it('a chain whose data is on L1 (daKind 1)', async () => {
    const h = header({ chainId: C, batchIndex: 0, prevStateRoot: GENESIS_C, daCommitment: c4.commitment });
    await mined(as(inbox, proposer).appendBatch(h));
    await expectRevert(as(da, challenger).challenge(h, 0, { value: BOND }), 'NotIpfsChain', [C, DA_KIND.L1_CALLDATA]);
  });

  it('a malformed commitment, zero chunks, a chunk index out of range, a chunk already challenged', async () => {
    const malformed = { ...c4, commitment: `0x01${c4.commitment.slice(4)}` };
    const short = { ...c4, commitment: c4.commitment.slice(0, 2 + 80) };
    const empty = commit(new Uint8Array(0), 256);
    expect(empty.root).toBe(ZERO_HASH);
    await appendI(0, malformed);
    await appendI(1, short);
    await appendI(2, empty);
    await appendI(3);
    const c = as(da, challenger);
    await expectRevert(c.challenge(hI(0, malformed), 0, { value: BOND }), 'InvalidCommitment', [I, 0]);
    await expectRevert(c.challenge(hI(1, short), 0, { value: BOND }), 'InvalidCommitment', [I, 1]);
    await expectRevert(c.challenge(hI(2, empty), 0, { value: BOND }), 'NothingToChallenge', [I, 2]);
    await expectRevert(c.challenge(hI(3), 4, { value: BOND }), 'ChunkIndexOutOfRange', [I, 3, 4, 4]);
    const { deadline } = await open(3, 0);
    await expectRevert(c.challenge(hI(3), 0, { value: BOND }), 'ChallengeAlreadyOpen', [I, 3, 0, deadline]);
    await expectRevert(as(da, other).challenge(hI(3), 0, { value: 2n * BOND }), 'ChallengeAlreadyOpen', [I, 3, 0, deadline]);
    expect((await inbox.getBatch(I, 3)).locks).toBe(1n);
  });
});

describe('DaChallenge: unanswered challenges', () => {
  it('resolve removes the batch and its successors, slashes the proposer by minBond and rewards the challenger', async () => {
    await appendI(0);
    await appendI(1);
    await appendI(2);
    const { deadline } = await open(1, 0);
    await expectRevert(as(da, other).resolve(I, 1, 0), 'ResponseWindowOpen', [I, 1, 0, deadline]);
    // At the deadline itself it is still open.
    const blockTag = await mineAt(provider, Number(deadline));
    await expectRevert(da.resolve.staticCall(I, 1, 0, { blockTag }), 'ResponseWindowOpen', [I, 1, 0, deadline]);
    await increaseTime(provider, 1);
    expect([...(await da.challengeStatus(I, 1, 0))]).toEqual([STATUS.Expired, deadline]);

    const treasuryBefore = await balance(treasury);
    const resolved = await mined(as(da, other).resolve(I, 1, 0));
    recordGas('DaChallenge.resolve (slash, 2 batches removed)', resolved);
    expect([...eventOf(da, resolved, 'ChallengeResolved').args]).toEqual([I, 1n, 0n, challenger.address, proposer.address, ONE, ONE / 2n]);
    expect([...eventOf(inbox, resolved, 'BatchesRemoved').args]).toEqual([I, 1n, 3n]);
    const slashed = eventOf(bonds, resolved, 'Slashed');
    expect([...slashed.args]).toEqual([I, proposer.address, ONE, da.target, ONE / 2n, ONE / 2n]);
    expect(await inbox.nextBatchIndex(I)).toBe(1n);
    expect(await inbox.lastStateRoot(I)).toBe(label('root-0'));
    expect(await bonds.bondOf(I, proposer.address)).toBe(2n * ONE);
    expect((await balance(treasury)) - treasuryBefore).toBe(ONE / 2n);
    expect(await da.balanceOf(challenger.address)).toBe(BOND + ONE / 2n);
    expect(await da.balanceOf(proposer.address)).toBe(0n);
    expect(await balance(da.target as string)).toBe(BOND + ONE / 2n);
    expect([...(await da.challengeStatus(I, 1, 0))]).toEqual([STATUS.None, 0n]);

    // Once only; no answer afterwards.
    await expectRevert(as(da, other).resolve(I, 1, 0), 'NoOpenChallenge', [I, 1, 0]);
    await expectRevert(as(da, proposer).respond(I, 1, 0, c4.chunks[0]!, proofOf(c4, 0)), 'NoOpenChallenge', [I, 1, 0]);
    await expectRevert(as(da, other).refund(I, 1, 0), 'NoOpenChallenge', [I, 1, 0]);

    // The challenger pulls bond + reward.
    const to = freshAddress();
    await mined(as(da, challenger).withdrawTo(to));
    expect(await balance(to)).toBe(BOND + ONE / 2n);
    expect(await balance(da.target as string)).toBe(0n);

    // The proposer (still bonded with 2 ETH) continues the chain from batch 1 again.
    await appendI(1);
    expect(await inbox.nextBatchIndex(I)).toBe(2n);
  });

  it('slashes the active bond, then the unbonding one, up to minBond', async () => {
    await appendI(0);
    await mined(as(bonds, proposer).requestWithdrawal(I, ONE * 26n / 10n)); // active 0.4, unbonding 2.6
    await open(0, 0);
    await increaseTime(provider, RESPONSE + 1);
    const resolved = await mined(as(da, other).resolve(I, 0, 0));
    expect(eventOf(bonds, resolved, 'Slashed').args.amount).toBe(ONE);
    expect(await bonds.bondOf(I, proposer.address)).toBe(0n);
    expect((await bonds.unbondingOf(I, proposer.address))[0]).toBe(2n * ONE);
    expect(await da.balanceOf(challenger.address)).toBe(BOND + ONE / 2n);
    expect(await inbox.nextBatchIndex(I)).toBe(0n);
  });

  it('takes what is left below minBond', async () => {
    await appendI(0);
    await mined(as(bonds, proposer).requestWithdrawal(I, ONE * 27n / 10n)); // active 0.3, unbonding 2.7
    await open(0, 0);
    await increaseTime(provider, DELAY + 1);
    await mined(as(bonds, proposer).withdraw(I)); // the unbonding part is gone
    const treasuryBefore = await balance(treasury);
    const resolved = await mined(as(da, other).resolve(I, 0, 0));
    const left = ONE * 3n / 10n;
    expect([...eventOf(da, resolved, 'ChallengeResolved').args].slice(5)).toEqual([left, left / 2n]);
    expect(eventOf(bonds, resolved, 'Slashed').args.amount).toBe(left);
    expect(await bonds.bondOf(I, proposer.address)).toBe(0n);
    expect((await balance(treasury)) - treasuryBefore).toBe(left - left / 2n);
    expect(await da.balanceOf(challenger.address)).toBe(BOND + left / 2n);
  });

  it('returns the challenger its bond when the proposer has nothing left', async () => {
    await appendI(0);
    await appendI(1);
    await mined(as(bonds, proposer).requestWithdrawal(I, 3n * ONE));
    await open(1, 2);
    await increaseTime(provider, DELAY + 1);
    await mined(as(bonds, proposer).withdraw(I));
    const treasuryBefore = await balance(treasury);
    const resolved = await mined(as(da, other).resolve(I, 1, 2));
    recordGas('DaChallenge.resolve (nothing to slash, 1 batch removed)', resolved);
    expect([...eventOf(da, resolved, 'ChallengeResolved').args].slice(5)).toEqual([0n, 0n]);
    expect(eventsOf(bonds, resolved, 'Slashed')).toHaveLength(0);
    expect([...eventOf(inbox, resolved, 'BatchesRemoved').args]).toEqual([I, 1n, 2n]);
    expect(await balance(treasury)).toBe(treasuryBefore);
    expect(await da.balanceOf(challenger.address)).toBe(BOND);
    expect(await balance(da.target as string)).toBe(BOND);
  });
});

describe('DaChallenge: refunds', () => {
  it('challenges on batches removed with a resolved one are refunded, not slashed again', async () => {
    await appendI(0);
    await appendI(1);
    await appendI(2);
    await open(1, 0);
    const stale1 = await open(2, 1, other);
    await open(1, 2, other);
    const live = await open(0, 3, other);
    await increaseTime(provider, RESPONSE + 1);
    await mined(as(da, challenger).resolve(I, 1, 0));
    expect(await bonds.bondOf(I, proposer.address)).toBe(2n * ONE);

    expect([...(await da.challengeStatus(I, 2, 1))]).toEqual([STATUS.Stale, stale1.deadline]);
    expect((await da.challengeStatus(I, 1, 2))[0]).toBe(STATUS.Stale);
    expect([...(await da.challengeStatus(I, 0, 3))]).toEqual([STATUS.Expired, live.deadline]);
    await expectRevert(as(da, other).resolve(I, 2, 1), 'ChallengeStale', [I, 2, 1]);
    await expectRevert(as(da, other).refund(I, 0, 3), 'ChallengeNotStale', [I, 0, 3]);

    // Anyone may trigger the refund; the bond goes to the challenger's balance.
    const refunded = await mined(as(da, challenger).refund(I, 2, 1));
    recordGas('DaChallenge.refund', refunded);
    expect([...eventOf(da, refunded, 'ChallengeRefunded').args]).toEqual([I, 2n, 1n, other.address, BOND]);
    expect(await da.balanceOf(other.address)).toBe(BOND);
    await expectRevert(as(da, other).refund(I, 2, 1), 'NoOpenChallenge', [I, 2, 1]);
    expect(eventsOf(bonds, refunded, 'Slashed')).toHaveLength(0);

    // Batch 1 appended again with the very same header is another batch (appendedAt): the stale challenge in
    // that slot is refunded when a new challenge takes it.
    await appendI(1);
    const again = await mined(as(da, challenger).challenge(hI(1), 2, { value: BOND }));
    expect([...eventOf(da, again, 'ChallengeRefunded').args]).toEqual([I, 1n, 2n, other.address, BOND]);
    expect(eventOf(da, again, 'ChallengeOpened').args.challenger).toBe(challenger.address);
    expect((await inbox.getBatch(I, 1)).locks).toBe(1n);
    expect(await da.balanceOf(other.address)).toBe(2n * BOND);
    expect((await da.challengeStatus(I, 1, 2))[0]).toBe(STATUS.Open);
    // The balances add up: challenger's reward + bond, other's two bonds, the open challenge's bond and the
    // one still open on batch 0.
    expect(await balance(da.target as string)).toBe(BOND + ONE / 2n + 2n * BOND + BOND + BOND);
  });

  it('a challenge on batches removed by another challenger contract is refunded', async () => {
    await appendI(0);
    await appendI(1);
    await open(1, 0);
    await mined(inbox.removeBatchesFrom(I, 0)); // admin holds CHALLENGER_ROLE in this deployment
    expect((await da.challengeStatus(I, 1, 0))[0]).toBe(STATUS.Stale);
    await expectRevert(as(da, proposer).respond(I, 1, 0, c4.chunks[0]!, proofOf(c4, 0)), 'ChallengeStale', [I, 1, 0]);
    await increaseTime(provider, RESPONSE + 1);
    await expectRevert(as(da, challenger).resolve(I, 1, 0), 'ChallengeStale', [I, 1, 0]);
    await mined(as(da, challenger).refund(I, 1, 0));
    expect(await da.balanceOf(challenger.address)).toBe(BOND);
    expect(await bonds.bondOf(I, proposer.address)).toBe(3n * ONE);
  });
});

describe('DaChallenge: pull payments', () => {
  it('a proposer that refuses ETH blocks nothing: answers credit it, it withdraws elsewhere', async () => {
    const receiver = await deployContract(admin, 'EthReceiver');
    await mined(receiver.getFunction('setMode')(1)); // Revert
    const address = receiver.target as string;
    await provider.send('anvil_impersonateAccount', [address]);
    await provider.send('anvil_setBalance', [address, toBeHex(parseEther('10'))]);
    const signer = await provider.getSigner(address);
    try {
      await mined(registry.setProposer(I, address));
      await mined(as(bonds, signer).deposit(I, { value: ONE }));
      await appendI(0, c4, signer);
      await open(0, 0);
      await mined(as(da, other).respond(I, 0, 0, c4.chunks[0]!, proofOf(c4, 0)));
      expect(await da.balanceOf(address)).toBe(BOND);
      await expectRevert(as(da, signer).withdraw(), 'Refused', []);
      await expectRevert(as(da, signer).withdrawTo('0x0000000000000000000000000000000000000000'), 'ZeroAddress', ['to']);
      const to = freshAddress();
      await mined(as(da, signer).withdrawTo(to));
      expect(await balance(to)).toBe(BOND);
    } finally {
      await provider.send('anvil_stopImpersonatingAccount', [address]);
    }
  });

  it('credits add up per account across challenges', async () => {
    await appendI(0);
    await open(0, 0);
    await open(0, 1, other);
    await mined(as(da, proposer).respond(I, 0, 0, c4.chunks[0]!, proofOf(c4, 0)));
    const second = await mined(as(da, proposer).respond(I, 0, 1, c4.chunks[1]!, proofOf(c4, 1)));
    expect([...eventOf(da, second, 'Credited').args]).toEqual([proposer.address, BOND, 2n * BOND]);
    const before = await balance(proposer.address);
    const paid = await mined(as(da, proposer).withdraw());
    expect((await balance(proposer.address)) - before).toBe(2n * BOND - paid.gasUsed * paid.gasPrice);
  });
});

describe('DaChallenge: gas', () => {
  it('answers a 128 KiB chunk', async () => {
    const size = 128 * 1024;
    const big = commit(randomBytes(4 * size), size);
    await appendI(0, big);
    const opened = await open(0, 1, challenger, big);
    recordGas('DaChallenge.challenge (128 KiB chunks)', opened.receipt);
    const answered = await mined(as(da, proposer).respond(I, 0, 1, big.chunks[1]!, proofOf(big, 1)));
    recordGas('DaChallenge.respond (128 KiB chunk of 4)', answered);
    expect(eventOf(da, answered, 'ChallengeAnswered').args.chunkHash).toBe(keccak256(big.chunks[1]!));
    // Calldata dominates: 131,072 non-zero bytes cost 16 gas each (2.1 M), or 40 under the EIP-7623 floor (5.2 M).
    expect(answered.gasUsed).toBeLessThan(6_000_000n);
  });
});
