import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';

export interface PeerDialerOptions {
  /** Pause between checks, and the first retry delay after a failed dial. Default 2 s. */
  readonly intervalMs?: number;
  /** Longest delay between dials of a peer that keeps failing. Default 30 s. */
  readonly maxBackoffMs?: number;
  readonly onDialError?: (addr: string, error: Error, failures: number) => void;
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
 * Keeps connections to the peers it is given: dials each at once, then checks every `intervalMs` (and
 * when a peer disconnects) and re-dials those without a connection, backing off while a dial keeps failing.
 */
export class PeerDialer {
  readonly #libp2p: Libp2p;
  readonly #options: PeerDialerOptions;
  readonly #targets = new Map<string, Target>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #onDisconnect = (): void => this.#tick();

  constructor(libp2p: Libp2p, options: PeerDialerOptions = {}) {
    this.#libp2p = libp2p;
    this.#options = options;
  }

  /** Adds peers (multiaddrs, best with `/p2p/<peer id>`); throws on an address that does not parse. */
  add(addrs: readonly string[]): void {
    const parsed = addrs.filter((a) => !this.#targets.has(a)).map((a) => {
      const addr = multiaddr(a);
      const id = addr.getComponents().find((c) => c.name === 'p2p')?.value;
      return [a, { addr, peer: id === undefined ? undefined : peerIdFromString(id), failures: 0, next: 0, dialing: false }] as const;
    });
    for (const [a, t] of parsed) this.#targets.set(a, t);
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

  /** Whether every peer given has an open connection. */
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
