import '@metis/core/polyfills';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub, StrictNoSign, TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub';
import {
  createPeerScoreParams,
  createPeerScoreThresholds,
  validatePeerScoreParams,
  validatePeerScoreThresholds,
  type PeerScoreParams,
  type PeerScoreThresholds,
} from '@libp2p/gossipsub/score';
import { identify, type Identify } from '@libp2p/identify';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { MetisError, isMetisError, type Hex, type Logger } from '@metis/core';
import { createLibp2p } from 'libp2p';
import { encodeAttestation } from '../attestation/codec.js';
import type { RangerDomain } from '../attestation/eip712.js';
import type { SignedAttestation } from '../attestation/types.js';
import { loadOrCreatePeerKey } from './peer-key.js';
import { PeerDialer } from './peer-dialer.js';
import {
  AttestationPool,
  messageId,
  type CollectedAttestation,
  type EquivocationEvidence,
  type IgnoreReason,
  type RejectReason,
  type Verdict,
} from './pool.js';
import { RANGER_SCORE_THRESHOLDS, rangerScoreParams } from './scoring.js';
import { attestationTopic } from './topic.js';
import type { AttestationView } from './view.js';

export type RangerGossipLogger = Pick<Logger, 'info' | 'warn' | 'debug'>;

/** Listen address when none is configured: TCP on loopback, a port the system picks. */
export const DEFAULT_RANGER_LISTEN: readonly string[] = Object.freeze(['/ip4/127.0.0.1/tcp/0']);

export interface RangerGossipOptions {
  /** The L2 chain whose attestations this node gossips (the topic, and the chainId attestations must carry). */
  readonly l2ChainId: bigint | number;
  /** The EIP-712 domain (L1 chain id, RangerRegistry address) signatures are checked under. */
  readonly domain: RangerDomain;
  /** What this node knows of L1: batches and stakes. */
  readonly view: AttestationView;
  /** Directory of the persistent peer key (`peer.key`; created with the directory when missing). */
  readonly keyDir: string;
  /** Multiaddrs to listen on (TCP). Default `/ip4/127.0.0.1/tcp/0`. */
  readonly listen?: readonly string[];
  /** Peers to dial and keep connected (multiaddrs, best ending in `/p2p/<peer id>`). */
  readonly peers?: readonly string[];
  readonly logger?: RangerGossipLogger;
  /** Batches whose attestations are kept (the highest indices). Default 256. */
  readonly maxBatches?: number;
  /** Pieces of equivocation evidence kept (one per signer). Default 64. */
  readonly maxEvidence?: number;
  /**
   * Messages ignored because their batch was not visible yet (or the view failed), kept to be judged again
   * (every `recheckIntervalMs`, and on `recheck()`) for `deferredTtlMs`. Default 256, at most a quarter
   * of them from one peer.
   */
  readonly maxDeferred?: number;
  readonly deferredTtlMs?: number;
  readonly recheckIntervalMs?: number;
  /** How long `publish` keeps trying (batch not visible yet, nobody subscribed) before it fails. Default 120 s. */
  readonly publishTimeoutMs?: number;
  /** Pause between checks of the configured peers' connections. Default 2 s. */
  readonly redialIntervalMs?: number;
  /** Longest pause between dials of a peer that keeps failing (backoff doubles from `redialIntervalMs`). Default 30 s. */
  readonly maxRedialBackoffMs?: number;
  /** Gossipsub heartbeat (mesh upkeep). Default 1 s. */
  readonly heartbeatIntervalMs?: number;
  readonly maxConnections?: number;
  /** Merged over `rangerScoreParams(topic)`. */
  readonly scoreParams?: Partial<PeerScoreParams>;
  /** Merged over `RANGER_SCORE_THRESHOLDS`. */
  readonly scoreThresholds?: Partial<PeerScoreThresholds>;
}

export interface AttestationEvent {
  readonly attestation: CollectedAttestation;
  /** The peer it came from; undefined for our own. */
  readonly from: string | undefined;
  /** Accepted after a wait for its batch (not relayed: gossipsub had ignored it). */
  readonly deferred: boolean;
}

export interface EquivocationEvent {
  readonly evidence: EquivocationEvidence;
  readonly from: string;
}

export interface RejectionEvent {
  readonly from: string;
  readonly reason: RejectReason;
  readonly detail: string;
  readonly signer?: Hex;
  readonly batchIndex?: bigint;
  /** Judged after a wait for its batch: gossipsub had ignored it already, the sender was not penalised. */
  readonly deferred: boolean;
}

export interface IgnoreEvent {
  readonly from: string;
  readonly reason: IgnoreReason;
  readonly detail: string;
  readonly batchIndex?: bigint;
}

export interface RangerGossipEvents {
  /** A new valid attestation (ours or a peer's): what the certificate builder collects. */
  attestation: AttestationEvent;
  /** A signer attested two outputs for one input; the evidence is kept (`equivocations()`). */
  equivocation: EquivocationEvent;
  /** A message dropped and its sender penalised. */
  rejected: RejectionEvent;
  /** A message dropped without penalty (duplicate, batch not visible yet, view failure). */
  ignored: IgnoreEvent;
}

export interface PublishOutcome {
  /** Peers the message was sent to. */
  readonly recipients: string[];
  /** Already published (by this node, within gossipsub's seen window): nothing sent again. */
  readonly duplicate: boolean;
}

type Services = { identify: Identify; pubsub: GossipSub };
type ScoredGossipSub = GossipSub & { getScore(peerId: string): number; getMeshPeers(topic: string): string[] };
type Listener<T> = (event: T) => void;

interface Deferred {
  readonly bytes: Uint8Array;
  readonly from: string;
  readonly until: number;
}

interface OutboxJob {
  readonly batchIndex: bigint;
  wake: (() => void) | undefined;
}


/**
 * A ranger's attestation gossip: its own libp2p node (TCP, noise, yamux, identify, gossipsub), subscribed to
 * `/metis/rangers/1/<l2ChainId>/attestations`. Every incoming message goes through a topic validator before
 * gossipsub delivers or relays it (`AttestationPool.judge`): valid ones are kept and announced
 * (`attestation` event, `attestations(batchIndex)`); invalid ones are rejected, which lowers the sender's
 * peer score (`scoreOf`); equivocations are rejected and kept as evidence. Messages are unsigned at the
 * gossipsub level (StrictNoSign: the attestation carries its own signature), their id is sha256(data).
 *
 * ```ts
 * const gossip = await RangerGossip.start({ l2ChainId: 901n, domain, view, keyDir: './data/rangers', peers });
 * gossip.on('attestation', ({ attestation }) => builder.add(attestation));
 * await gossip.publish({ attestation, signature: await signAttestation(wallet, domain, attestation) });
 * await gossip.stop();
 * ```
 */
export class RangerGossip {
  readonly topic: string;
  readonly l2ChainId: bigint;
  readonly libp2p: Libp2p<Services>;
  readonly #pubsub: ScoredGossipSub;
  readonly #pool: AttestationPool;
  readonly #dialer: PeerDialer;
  readonly #logger: RangerGossipLogger | undefined;
  readonly #listeners: { [K in keyof RangerGossipEvents]: Set<Listener<RangerGossipEvents[K]>> } = {
    attestation: new Set(),
    equivocation: new Set(),
    rejected: new Set(),
    ignored: new Set(),
  };
  readonly #deferred = new Map<string, Deferred>();
  readonly #maxDeferred: number;
  readonly #deferredTtlMs: number;
  readonly #publishTimeoutMs: number;
  readonly #outbox = new Set<OutboxJob>();
  readonly #recheckTimer: NodeJS.Timeout;
  #rechecking: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #onSubscriptionChange = (): void => this.#wakeOutbox();

  private constructor(libp2p: Libp2p<Services>, topic: string, options: RangerGossipOptions) {
    this.libp2p = libp2p;
    this.topic = topic;
    this.l2ChainId = BigInt(options.l2ChainId);
    this.#pubsub = libp2p.services.pubsub as ScoredGossipSub;
    this.#logger = options.logger;
    this.#maxDeferred = Math.max(0, options.maxDeferred ?? 256);
    this.#deferredTtlMs = options.deferredTtlMs ?? 120_000;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 120_000;
    this.#pool = new AttestationPool({
      l2ChainId: this.l2ChainId,
      domain: options.domain,
      view: options.view,
      ...(options.maxBatches !== undefined ? { maxBatches: options.maxBatches } : {}),
      ...(options.maxEvidence !== undefined ? { maxEvidence: options.maxEvidence } : {}),
    });
    this.#pubsub.topicValidators.set(topic, (peer, message) => this.#validate(peer, message));
    this.#pubsub.addEventListener('subscription-change', this.#onSubscriptionChange);
    this.#pubsub.subscribe(topic);
    this.#dialer = new PeerDialer(libp2p, {
      ...(options.redialIntervalMs !== undefined ? { intervalMs: options.redialIntervalMs } : {}),
      ...(options.maxRedialBackoffMs !== undefined ? { maxBackoffMs: options.maxRedialBackoffMs } : {}),
      onDialError: (addr, error, failures) => {
        if (failures === 1 || failures % 10 === 0) this.#logger?.warn({ peer: addr, failures, err: error.message }, 'rangers: cannot reach a peer; retrying');
      },
    });
    this.#dialer.add(options.peers ?? []);
    this.#dialer.start();
    this.#recheckTimer = setInterval(() => void this.recheck(), options.recheckIntervalMs ?? 1_000);
    this.#recheckTimer.unref();
  }

  /** Loads (or creates) the peer key, starts libp2p with gossipsub, subscribes to the topic and dials the peers. */
  static async start(options: RangerGossipOptions): Promise<RangerGossip> {
    const l2ChainId = BigInt(options.l2ChainId);
    const topic = attestationTopic(l2ChainId);
    const scoreParams = createPeerScoreParams(rangerScoreParams(topic, options.scoreParams));
    const scoreThresholds = createPeerScoreThresholds({ ...RANGER_SCORE_THRESHOLDS, ...options.scoreThresholds });
    try {
      validatePeerScoreParams(scoreParams);
      validatePeerScoreThresholds(scoreThresholds);
    } catch (e) {
      throw new MetisError('RANGER_GOSSIP_FAILED', { action: 'start', reason: `invalid peer scoring: ${(e as Error).message}` }, { cause: e });
    }
    const privateKey = await loadOrCreatePeerKey(options.keyDir);
    let libp2p: Libp2p<Services>;
    try {
      libp2p = await createLibp2p<Services>({
        privateKey,
        addresses: { listen: [...(options.listen ?? DEFAULT_RANGER_LISTEN)] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        // nothing that finds peers by itself: rangers dial the peers they are given
        peerDiscovery: [],
        contentRouters: [],
        peerRouters: [],
        connectionManager: { maxConnections: options.maxConnections ?? 64 },
        services: {
          identify: identify(),
          pubsub: gossipsub({
            globalSignaturePolicy: StrictNoSign,
            msgIdFn: (msg) => messageId(msg.data),
            fallbackToFloodsub: false,
            floodPublish: true,
            doPX: false,
            emitSelf: false,
            allowedTopics: [topic],
            ignoreDuplicatePublishError: false,
            allowPublishToZeroTopicPeers: false,
            scoreParams,
            scoreThresholds,
            ...(options.heartbeatIntervalMs !== undefined ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
          }),
        },
      });
    } catch (e) {
      throw new MetisError('RANGER_GOSSIP_FAILED', { action: 'start libp2p', reason: (e as Error).message }, { cause: e });
    }
    try {
      return new RangerGossip(libp2p, topic, options);
    } catch (e) {
      await Promise.resolve(libp2p.stop()).catch(() => undefined);
      throw e;
    }
  }

  /** This node's peer id (what a ranger registers on L1). */
  get peerId(): string {
    return this.libp2p.peerId.toString();
  }

  /** Addresses others dial this node at, each ending in `/p2p/<peer id>`. */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Keeps connections to more peers (for instance those rangers registered on L1). Throws on an address that does not parse. */
  addPeers(addrs: readonly string[]): void {
    if (this.#stopping) return;
    this.#dialer.add(addrs);
  }

  /** Whether every peer given (options and `addPeers`) has an open connection. */
  peersConnected(): boolean {
    return this.#dialer.allConnected();
  }

  /** Peers with an open connection. */
  connectedPeers(): string[] {
    return this.libp2p.getPeers().map((p) => p.toString());
  }

  /** Peers subscribed to the attestation topic. */
  subscribers(): string[] {
    return this.#pubsub.getSubscribers(this.topic).map((p) => p.toString());
  }

  /** Peers in this node's gossipsub mesh for the topic (those it relays to). */
  meshPeers(): string[] {
    return this.#pubsub.getMeshPeers(this.topic);
  }

  /** The gossipsub score this node gives `peerId` (0 for a peer it knows nothing of). */
  scoreOf(peerId: string | PeerId): number {
    return this.#pubsub.getScore(peerId.toString());
  }

  /** The valid attestations collected for `batchIndex`, by signer ascending (the order certificates need). */
  attestations(batchIndex: bigint): CollectedAttestation[] {
    return this.#pool.attestations(batchIndex);
  }

  /** Batches with attestations kept, ascending. */
  batches(): bigint[] {
    return this.#pool.batches();
  }

  /** The equivocation evidence collected, oldest first (one per signer). */
  equivocations(): EquivocationEvidence[] {
    return this.#pool.equivocations();
  }

  /** Forgets the attestations of batches below `batchIndex` (once final, they are of no more use). */
  pruneBelow(batchIndex: bigint): void {
    this.#pool.pruneBelow(batchIndex);
  }

  /** Our attestations still waiting to go out (batch not visible yet, or no subscriber). */
  pendingPublications(): number {
    return this.#outbox.size;
  }

  /** Messages kept for their batch to become visible. */
  deferredCount(): number {
    return this.#deferred.size;
  }

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof RangerGossipEvents>(event: K, listener: Listener<RangerGossipEvents[K]>): () => void {
    const set = this.#listeners[event] as Set<Listener<RangerGossipEvents[K]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Publishes our own attestation. It is first judged as a peer would judge it: rejected (our key has no
   * stake, the batch is final, not the batch's input, or it conflicts with one we already signed: we never
   * equivocate) → RANGER_ATTESTATION_REJECTED, nothing sent. While its batch is not visible to our view,
   * or no peer is subscribed to the topic, it waits and retries (`pendingPublications()`), up to
   * `publishTimeoutMs` (then RANGER_GOSSIP_FAILED; also when the gossip stops meanwhile). Accepted, it
   * joins `attestations(batchIndex)` and fires `attestation` with `from` undefined.
   */
  async publish(signed: SignedAttestation): Promise<PublishOutcome> {
    const bytes = encodeAttestation(signed);
    const batchIndex = signed.attestation.batchIndex;
    const action = `publish the attestation of batch ${batchIndex}`;
    const notStopped = (): void => {
      if (this.#stopping) throw new MetisError('RANGER_GOSSIP_FAILED', { action, reason: 'the gossip is stopped' });
    };
    notStopped();
    const job: OutboxJob = { batchIndex, wake: undefined };
    const deadline = Date.now() + this.#publishTimeoutMs;
    let delay = 50;
    const wait = async (why: string): Promise<void> => {
      notStopped();
      const left = deadline - Date.now();
      if (left <= 0) throw new MetisError('RANGER_GOSSIP_FAILED', { action, reason: `${why} after ${this.#publishTimeoutMs} ms` });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(delay, left));
        job.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      job.wake = undefined;
      delay = Math.min(delay * 2, 2_000);
      notStopped();
    };
    this.#outbox.add(job);
    try {
      for (;;) {
        const verdict = await this.#pool.judge(bytes, { local: true });
        if (verdict.result === 'accept') {
          this.#emit('attestation', { attestation: verdict.attestation, from: undefined, deferred: false });
          break;
        }
        if (verdict.result === 'reject') {
          throw new MetisError('RANGER_ATTESTATION_REJECTED', { batchIndex, reason: `${verdict.reason}: ${verdict.detail}` });
        }
        if (verdict.reason === 'duplicate') break;
        await wait(verdict.reason === 'unknown-batch' ? `batch ${batchIndex} still not visible on L1` : `the L1 view kept failing (${verdict.detail})`);
      }
      delay = 50;
      for (;;) {
        notStopped();
        try {
          const { recipients } = await this.#pubsub.publish(this.topic, bytes);
          return { recipients: recipients.map((p) => p.toString()), duplicate: false };
        } catch (e) {
          const message = (e as Error).message ?? String(e);
          if (message.includes('Duplicate')) return { recipients: [], duplicate: true };
          if (!message.includes('NoPeersSubscribedToTopic')) throw new MetisError('RANGER_GOSSIP_FAILED', { action, reason: message }, { cause: e });
        }
        await wait('no peer subscribed to the topic');
      }
    } finally {
      this.#outbox.delete(job);
    }
  }

  /** Judges again the messages kept for their batch (call it when the L1 view sees new batches; also runs on a timer). */
  recheck(): Promise<void> {
    this.#rechecking ??= this.#recheck().finally(() => {
      this.#rechecking = undefined;
    });
    this.#wakeOutbox();
    return this.#rechecking;
  }

  /** Stops dialling, fails pending publications, stops libp2p. Idempotent; concurrent calls share one stop. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#recheckTimer);
      this.#dialer.stop();
      this.#wakeOutbox();
      this.#deferred.clear();
      this.#pubsub.removeEventListener('subscription-change', this.#onSubscriptionChange);
      this.#pubsub.topicValidators.delete(this.topic);
      await this.libp2p.stop();
    })();
    return this.#stopping;
  }

  async #validate(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    if (this.#stopping) return TopicValidatorResult.Ignore;
    const from = peer.toString();
    const verdict = await this.#pool.judge(message.data);
    return this.#act(verdict, from, message.data, false);
  }

  #act(verdict: Verdict, from: string, bytes: Uint8Array, deferred: boolean): TopicValidatorResult {
    switch (verdict.result) {
      case 'accept':
        this.#emit('attestation', { attestation: verdict.attestation, from, deferred });
        return TopicValidatorResult.Accept;
      case 'reject': {
        const { reason, detail, signer, batchIndex, evidence } = verdict;
        this.#logger?.debug({ peer: from, reason, detail }, 'rangers: rejected an attestation message');
        this.#emit('rejected', { from, reason, detail, deferred, ...(signer !== undefined ? { signer } : {}), ...(batchIndex !== undefined ? { batchIndex } : {}) });
        if (evidence) {
          this.#logger?.warn({ signer: evidence.signer, batchIndex: String(evidence.first.attestation.batchIndex) }, 'rangers: equivocation');
          this.#emit('equivocation', { evidence, from });
        }
        return TopicValidatorResult.Reject;
      }
      case 'ignore': {
        const { reason, detail, batchIndex } = verdict;
        if (!deferred) {
          this.#emit('ignored', { from, reason, detail, ...(batchIndex !== undefined ? { batchIndex } : {}) });
          if (reason === 'unknown-batch' || reason === 'view-error') this.#defer(bytes, from);
        }
        return TopicValidatorResult.Ignore;
      }
    }
  }

  #defer(bytes: Uint8Array, from: string): void {
    if (this.#maxDeferred === 0 || this.#stopping) return;
    const id = Buffer.from(messageId(bytes)).toString('hex');
    if (this.#deferred.has(id)) return;
    const perPeer = Math.max(1, Math.floor(this.#maxDeferred / 4));
    let mine = 0;
    let oldestMine: string | undefined;
    for (const [k, d] of this.#deferred) {
      if (d.from !== from) continue;
      mine++;
      oldestMine ??= k;
    }
    if (mine >= perPeer && oldestMine !== undefined) this.#deferred.delete(oldestMine);
    else if (this.#deferred.size >= this.#maxDeferred) this.#deferred.delete(this.#deferred.keys().next().value as string);
    this.#deferred.set(id, { bytes: new Uint8Array(bytes), from, until: Date.now() + this.#deferredTtlMs });
  }

  async #recheck(): Promise<void> {
    for (const [id, d] of [...this.#deferred]) {
      if (this.#stopping) return;
      if (Date.now() > d.until) {
        this.#deferred.delete(id);
        continue;
      }
      const verdict = await this.#pool.judge(d.bytes);
      if (verdict.result === 'ignore' && (verdict.reason === 'unknown-batch' || verdict.reason === 'view-error')) continue;
      this.#deferred.delete(id);
      this.#act(verdict, d.from, d.bytes, true);
    }
  }

  #wakeOutbox(): void {
    for (const job of this.#outbox) job.wake?.();
  }

  #emit<K extends keyof RangerGossipEvents>(event: K, payload: RangerGossipEvents[K]): void {
    for (const listener of this.#listeners[event] as Set<Listener<RangerGossipEvents[K]>>) {
      try {
        listener(payload);
      } catch (e) {
        this.#logger?.warn({ event, err: isMetisError(e) ? e.code : (e as Error).message }, 'rangers: an event listener threw');
      }
    }
  }
}
