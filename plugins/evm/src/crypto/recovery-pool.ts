import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Capability, type TypedTransaction } from '@ethereumjs/tx';
import { SECP256K1_ORDER_DIV_2, bigIntToUnpaddedBytes, calculateSigRecovery, setLengthLeft } from '@ethereumjs/util';

/** Below this many signatures in one event-loop turn, recovery stays on the calling thread. */
const MIN_BATCH = 16;
/** Most signatures in one message to the worker. */
const CHUNK = 128;

/**
 * The worker: native libsecp256k1 recovery of a batch of signatures. A signature that does not recover
 * gets ok = 0 and is left to the caller's own recovery (which reports the error the usual way).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const native = require(workerData.bindings);
parentPort.on('message', ({ id, hashes, sigs, recids }) => {
  const n = recids.length;
  const keys = new Uint8Array(n * 64);
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const key = native.ecdsaRecover(sigs.subarray(i * 64, i * 64 + 64), recids[i], hashes.subarray(i * 32, i * 32 + 32), false);
      keys.set(key.subarray(1), i * 64);
      ok[i] = 1;
    } catch {}
  }
  parentPort.postMessage({ id, keys, ok }, [keys.buffer, ok.buffer]);
});
`;

interface Job {
  readonly tx: TypedTransaction;
  readonly hash: Uint8Array;
  readonly sig: Uint8Array;
  readonly recid: number;
  readonly done: () => void;
}

interface WorkerReply {
  readonly id: number;
  readonly keys: Uint8Array;
  readonly ok: Uint8Array;
}

function bindingsPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('secp256k1/bindings');
    require(path); // the prebuilt addon loads on this machine
    return path;
  } catch {
    return undefined;
  }
}

/**
 * Sender recovery on a worker thread, for bursts of transactions. The signatures submitted in one
 * event-loop turn (an HTTP batch of `eth_sendRawTransaction`, a peer's gossip) go to the worker as one
 * message; their public keys come back in one reply and are pinned on the transactions
 * (`tx.cache.senderPubKey`, which `getSenderPublicKey()` returns), so validation continues on the calling
 * thread without recovering. The main thread keeps the cheap parts (signing hash, recovery id) and its
 * time for executing blocks, which yield to the event loop so that this runs alongside.
 *
 * `prefetch` never fails: a signature the worker cannot recover, a batch too small to be worth a message,
 * a missing native module or a dead worker all leave the transaction as it was, and the caller recovers
 * it itself with the usual checks and errors.
 */
export class RecoveryPool {
  private worker?: Worker;
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 0;
  private readonly inFlight = new Map<number, Job[]>();

  private constructor(bindings: string) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bindings } });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', () => this.fail());
    worker.on('exit', () => this.fail());
    this.worker = worker;
  }

  /** A pool on the native module, or undefined where it is missing (callers recover inline). */
  static start(): RecoveryPool | undefined {
    const bindings = bindingsPath();
    return bindings ? new RecoveryPool(bindings) : undefined;
  }

  /** Recovers the sender's public key of a signed, unfrozen transaction on the worker, if worth it. */
  prefetch(tx: TypedTransaction): Promise<void> {
    if (!this.worker || tx.cache.senderPubKey !== undefined) return Promise.resolve();
    let hash: Uint8Array;
    let sig: Uint8Array;
    let recid: number;
    try {
      // As upstream's getSenderPublicKey: the hash to verify, and the recovery id from v (EIP-155 aware).
      // A high s is refused by the caller's recovery (typed transactions already at decoding).
      if (tx.s! > SECP256K1_ORDER_DIV_2) return Promise.resolve();
      hash = tx.getMessageToVerifySignature();
      const chainId = tx.supports(Capability.EIP155ReplayProtection) ? tx.common.chainId() : undefined;
      recid = Number(calculateSigRecovery(tx.v!, chainId));
      sig = new Uint8Array(64);
      sig.set(setLengthLeft(bigIntToUnpaddedBytes(tx.r!), 32), 0);
      sig.set(setLengthLeft(bigIntToUnpaddedBytes(tx.s!), 32), 32);
    } catch {
      return Promise.resolve(); // the caller's own recovery reports it
    }
    return new Promise((done) => {
      this.queue.push({ tx, hash, sig, recid, done });
      if (!this.scheduled) {
        this.scheduled = true;
        // After every microtask of this turn: the whole HTTP batch has reached this point by then.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops the worker; pending and later calls resolve at once. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.fail();
    await worker?.terminate();
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    if (!this.worker || jobs.length < MIN_BATCH) {
      for (const job of jobs) job.done();
      return;
    }
    // In chunks, each its own message and reply: validation of the first chunk overlaps recovery of the
    // next, instead of waiting for the whole burst (1,000 signatures are about 50 ms of recovery).
    for (let from = 0; from < jobs.length; from += CHUNK) this.send(jobs.slice(from, from + CHUNK));
  }

  private send(jobs: Job[]): void {
    const worker = this.worker!;
    const n = jobs.length;
    const hashes = new Uint8Array(n * 32);
    const sigs = new Uint8Array(n * 64);
    const recids = new Uint8Array(n);
    jobs.forEach((job, i) => {
      hashes.set(job.hash, i * 32);
      sigs.set(job.sig, i * 64);
      recids[i] = job.recid;
    });
    const id = this.nextId++;
    if (this.inFlight.size === 0) worker.ref(); // a reply is owed: keep the process alive for it
    this.inFlight.set(id, jobs);
    worker.postMessage({ id, hashes, sigs, recids }, [hashes.buffer, sigs.buffer, recids.buffer]);
  }

  private onReply({ id, keys, ok }: WorkerReply): void {
    const jobs = this.inFlight.get(id);
    if (!jobs) return;
    this.inFlight.delete(id);
    if (this.inFlight.size === 0) this.worker?.unref(); // idle: never what keeps the process running
    jobs.forEach((job, i) => {
      // Only a transaction nobody pinned meanwhile, and never after it was frozen.
      if (ok[i] === 1 && job.tx.cache.senderPubKey === undefined && !Object.isFrozen(job.tx)) {
        job.tx.cache.senderPubKey = keys.subarray(i * 64, i * 64 + 64);
      }
      job.done();
    });
  }

  /** The worker is gone: everything waiting resolves, and recovery stays inline from now on. */
  private fail(): void {
    this.worker = undefined;
    for (const jobs of this.inFlight.values()) for (const job of jobs) job.done();
    this.inFlight.clear();
    for (const job of this.queue) job.done();
    this.queue = [];
  }
}
