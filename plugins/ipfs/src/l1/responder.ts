import { Contract, Interface, type JsonRpcProvider, type Log } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { isMetisError, type DataAvailability, type Hex, type Logger } from '@metis/core';
import { findBatchHeader } from '@metis/l1';
import { chunkTree } from '../chunks.js';
import { decodeIpfsCommitment } from '../commitment.js';

/** What the responder needs from the node's L1 connection. */
export interface ResponderL1 {
  readonly chainId: bigint;
  readonly provider: JsonRpcProvider;
  readonly batchInbox: string;
  readonly daChallenge: string;
  /** The L1 block the contracts were deployed in: challenges are looked for from there. */
  readonly startBlock: number;
  /** Most L1 blocks per eth_getLogs. */
  readonly maxLogRange: number;
  /** Sends one L1 transaction and waits for its receipt (the node's TxSender: shared nonces). */
  send(request: { to: string; data: string; action: string }): Promise<unknown>;
}

/** A challenged chunk, as ChallengeOpened names it. */
interface OpenChallenge {
  readonly batchIndex: bigint;
  readonly chunkIndex: number;
  readonly headerHash: Hex;
  readonly deadline: bigint;
}

/** ChallengeStatus of DaChallenge.sol. */
const OPEN = 1n;

const daChallengeInterface = (): Interface => new Interface(loadArtifact('DaChallenge').abi as never);

const key = (c: { batchIndex: bigint; chunkIndex: number }): string => `${c.batchIndex}:${c.chunkIndex}`;

/**
 * Answers data-availability challenges on the sequencer's own batches: it reads `ChallengeOpened` logs of
 * its chain from the DaChallenge contract, and for each open one fetches the batch's data through the DA
 * (the sequencer pinned it when it published), cuts the challenged chunk and its Merkle proof out of it, and
 * sends `DaChallenge.respond` before the deadline. Answering is idempotent: a challenge that is no longer
 * open (answered by someone else, expired, stale) is dropped; one that fails is tried again at the next poll.
 *
 * Data the node cannot produce cannot be answered: it logs an error naming the batch and chunk, and the
 * challenge runs out (the batch is then removed and the proposer slashed, as the contract intends).
 */
export class ChallengeResponder {
  private readonly challenges: Contract;
  private readonly open = new Map<string, OpenChallenge>();
  private cursor: number;
  private polling?: Promise<void>;
  /** Answers sent, for tests and logs. */
  answered = 0;

  constructor(
    private readonly l1: ResponderL1,
    private readonly da: DataAvailability,
    private readonly logger: Logger,
  ) {
    this.challenges = new Contract(l1.daChallenge, daChallengeInterface(), l1.provider);
    this.cursor = l1.startBlock;
  }

  /** Reads new challenges and answers the open ones. One poll at a time; a concurrent call waits for it. */
  poll(): Promise<void> {
    this.polling ??= this.run().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async run(): Promise<void> {
    await this.scan();
    for (const c of [...this.open.values()]) {
      try {
        await this.answer(c);
      } catch (e) {
        this.logger.warn({ batch: c.batchIndex, chunk: c.chunkIndex, err: (e as Error).message }, 'DA challenge: answer failed; trying again');
      }
    }
  }

  private async scan(): Promise<void> {
    const latest = await this.l1.provider.getBlockNumber();
    const topic = this.challenges.interface.getEvent('ChallengeOpened')!.topicHash;
    const chain = `0x${this.l1.chainId.toString(16).padStart(64, '0')}`;
    while (this.cursor <= latest) {
      const to = Math.min(latest, this.cursor + this.l1.maxLogRange - 1);
      const logs = await this.l1.provider.getLogs({ address: this.l1.daChallenge, topics: [topic, chain], fromBlock: this.cursor, toBlock: to });
      for (const log of logs) this.record(log);
      this.cursor = to + 1;
    }
  }

  private record(log: Log): void {
    const parsed = this.challenges.interface.parseLog(log);
    if (!parsed) return;
    const c: OpenChallenge = {
      batchIndex: parsed.args.getValue('batchIndex') as bigint,
      chunkIndex: Number(parsed.args.getValue('chunkIndex')),
      headerHash: (parsed.args.getValue('headerHash') as string).toLowerCase() as Hex,
      deadline: parsed.args.getValue('deadline') as bigint,
    };
    this.open.set(key(c), c);
    this.logger.warn({ batch: c.batchIndex, chunk: c.chunkIndex, deadline: c.deadline }, 'DA challenge opened on a batch');
  }

  private async answer(c: OpenChallenge): Promise<void> {
    const [status] = (await this.challenges.getFunction('challengeStatus')(this.l1.chainId, c.batchIndex, c.chunkIndex)) as [bigint, bigint];
    if (status !== OPEN) {
      this.open.delete(key(c));
      return;
    }
    const header = await findBatchHeader(this.l1.provider, { chainId: this.l1.chainId, inbox: this.l1.batchInbox, startBlock: this.l1.startBlock, maxLogRange: this.l1.maxLogRange }, c.batchIndex, c.headerHash);
    if (!header) {
      this.logger.error({ batch: c.batchIndex, headerHash: c.headerHash }, 'DA challenge: the challenged header is not on L1; cannot answer');
      this.open.delete(key(c));
      return;
    }
    const commitmentBytes = Buffer.from(header.daCommitment.slice(2), 'hex');
    let data: Uint8Array;
    try {
      data = await this.da.retrieve(commitmentBytes, header.dataHash);
    } catch (e) {
      const reason = isMetisError(e) ? e.message : (e as Error).message;
      this.logger.error({ batch: c.batchIndex, chunk: c.chunkIndex, reason }, 'DA challenge: this node does not have the batch data; cannot answer');
      throw e;
    }
    const commitment = decodeIpfsCommitment(commitmentBytes);
    const tree = chunkTree(data, commitment.chunkSize);
    if (tree.root !== commitment.chunkRoot) {
      this.open.delete(key(c));
      this.logger.error({ batch: c.batchIndex, committed: commitment.chunkRoot, computed: tree.root }, 'DA challenge: the data does not match the committed chunk root; cannot answer');
      return;
    }
    const calldata = this.challenges.interface.encodeFunctionData('respond', [this.l1.chainId, c.batchIndex, c.chunkIndex, tree.chunks[c.chunkIndex]!, tree.proof(c.chunkIndex)]);
    await this.l1.send({ to: this.l1.daChallenge, data: calldata, action: 'DaChallenge.respond' });
    this.open.delete(key(c));
    this.answered++;
    this.logger.info({ batch: c.batchIndex, chunk: c.chunkIndex, bytes: tree.chunks[c.chunkIndex]!.length }, 'DA challenge answered on L1');
  }
}
