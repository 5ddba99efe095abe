import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';

export interface PeerDialerOptions {
  /** Pause between checks, and the first retry delay after a failed dial. */
  readonly intervalMs?: number;
  /** Longest delay between dials of a peer that keeps failing. */
  readonly maxBackoffMs?: number;
  readonly onDialError?: (addr: string, error: Error, failures: number) => void;
  readonly onConnected?: (addr: string, peer: string) => void;
}

interface Target {
  readonly addr: Multiaddr;
  /** From `/p2p/<id>` in the address, or learned from the first connection. */
  peer: PeerId | undefined;
  failures: number;
  next: number;
  dialing: boolean;
}

/**
 * Keeps connections to configured peers: dials each at start, then checks every `intervalMs` (and at once
 * when a peer disconnects) and re-dials the ones without a connection, with exponential backoff while a dial
 * keeps failing.
 */
export class PeerDialer {
  readonly #libp2p: Libp2p;
  readonly #options: PeerDialerOptions;
  readonly #targets = new Map<string, Target>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #onDisconnect = (): void => {
    this.#tick();
  };

  constructor(libp2p: Libp2p, options: PeerDialerOptions = {}) {
    this.#libp2p = libp2p;
    this.#options = options;
  }

  /** Adds peers to keep connected to (dialled at once when running). */
  add(addrs: readonly string[]): void {
    for (const a of addrs) {
      if (this.#targets.has(a)) continue;
      const addr = multiaddr(a);
      const id = addr.getComponents().find((c) => c.name === 'p2p')?.value;
      this.#targets.set(a, { addr, peer: id === undefined ? undefined : peerIdFromString(id), failures: 0, next: 0, dialing: false });
    }
    if (!this.#stopped) this.#tick();
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect);
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs ?? 2_000);
    this.#timer.unref();
    this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect);
  }

  /** Whether every configured peer has an open connection. */
  allConnected(): boolean {
    return [...this.#targets.values()].every((t) => this.#connected(t));
  }

  #connected(t: Target): boolean {
    return t.peer !== undefined && this.#libp2p.getConnections(t.peer).length > 0;
  }

  #tick(): void {
    if (this.#stopped) return;
    const now = Date.now();
    for (const [key, t] of this.#targets) {
      if (t.dialing || this.#connected(t) || now < t.next) continue;
      t.dialing = true;
      this.#libp2p
        .dial(t.addr)
        .then((conn) => {
          t.peer = conn.remotePeer;
          t.failures = 0;
          t.next = 0;
          this.#options.onConnected?.(key, conn.remotePeer.toString());
        })
        .catch((e: unknown) => {
          t.failures++;
          const base = this.#options.intervalMs ?? 2_000;
          t.next = Date.now() + Math.min(this.#options.maxBackoffMs ?? 30_000, base * 2 ** Math.min(t.failures - 1, 10));
          if (!this.#stopped) this.#options.onDialError?.(key, e as Error, t.failures);
        })
        .finally(() => {
          t.dialing = false;
        });
    }
  }
}
