/**
 * A tiny HTTP JSON-RPC proxy on 127.0.0.1 (free port) in front of a node (anvil), told to fail requests on
 * purpose: for tests of L1 clients under RPC faults. Not part of the package build.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One way of failing a request. */
export type Fault =
  /** A JSON-RPC error answer (default -32000 "header not found"), not forwarded. */
  | { kind: 'rpc-error'; code?: number; message?: string }
  /** An HTTP error status (default 500) with a text body, not forwarded. */
  | { kind: 'http'; status?: number }
  /** The connection is closed without an answer, not forwarded. */
  | { kind: 'close' }
  /** Forwarded (the node acts on it), then the connection is closed: the client sees an error. */
  | { kind: 'drop-response' }
  /** Forwarded after `ms` milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Answered with `result` (default null) without forwarding: the node never sees it. */
  | { kind: 'blackhole'; result?: unknown };

export interface FaultRule {
  fault: Fault;
  /** Only requests for this method (or matching this pattern); any method when omitted. */
  method?: string | RegExp;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
}

export interface RequestRecord {
  readonly methods: readonly string[];
  /** The fault applied, if any. */
  readonly fault?: Fault['kind'];
}

export interface ChaosOptions {
  /** Probability that a request fails, 0..1. */
  rate: number;
  faults: readonly Fault[];
  /** Seed of the generator that picks (deterministic runs). */
  seed?: number;
  /** Only these methods; every method when omitted. */
  methods?: readonly string[];
}

export interface FaultyRpc {
  readonly url: string;
  /** Fails the next `n` requests (any method) with `fault`. */
  failNext(n: number, fault: Fault): void;
  /** Fails the next `times` requests for `method` with `fault`. */
  failMethod(method: string | RegExp, fault: Fault, times?: number): void;
  /** Adds a rule (rules are tried in order; the first that matches applies). */
  addRule(rule: FaultRule): void;
  /** Fails requests at random, after the rules. `undefined` stops it. */
  chaos(options: ChaosOptions | undefined): void;
  /** Removes every rule and the chaos. */
  clear(): void;
  /** Every request seen, in order. */
  readonly requests: readonly RequestRecord[];
  /** How many requests for `method` were seen, and how many of them were faulted. */
  count(method: string): { seen: number; faulted: number };
  close(): Promise<void>;
}

interface LiveRule extends FaultRule {
  left: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function methodsOf(body: unknown): string[] {
  const one = (r: unknown): string => (typeof r === 'object' && r !== null && typeof (r as { method?: unknown }).method === 'string' ? (r as { method: string }).method : '?');
  return Array.isArray(body) ? body.map(one) : [one(body)];
}

function idsOf(body: unknown): unknown[] {
  const one = (r: unknown): unknown => (typeof r === 'object' && r !== null ? (r as { id?: unknown }).id ?? null : null);
  return Array.isArray(body) ? body.map(one) : [one(body)];
}

const matches = (pattern: string | RegExp | undefined, methods: readonly string[]): boolean =>
  pattern === undefined || methods.some((m) => (typeof pattern === 'string' ? m === pattern : pattern.test(m)));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the proxy in front of `upstream` (an http:// JSON-RPC URL). */
export async function startFaultyRpc(upstream: string): Promise<FaultyRpc> {
  let rules: LiveRule[] = [];
  let chaos: (ChaosOptions & { random: () => number }) | undefined;
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();

  function pickFault(methods: readonly string[]): Fault | undefined {
    for (const rule of rules) {
      if (rule.left > 0 && matches(rule.method, methods)) {
        rule.left -= 1;
        rules = rules.filter((r) => r.left > 0);
        return rule.fault;
      }
    }
    if (chaos && (!chaos.methods || methods.some((m) => chaos!.methods!.includes(m))) && chaos.random() < chaos.rate) {
      return chaos.faults[Math.floor(chaos.random() * chaos.faults.length)];
    }
    return undefined;
  }

  async function forward(body: Buffer): Promise<{ status: number; text: string }> {
    const res = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const methods = methodsOf(parsed);
    const fault = pickFault(methods);
    requests.push({ methods, fault: fault?.kind });

    const reply = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    const answerEach = (make: (id: unknown) => object): string => {
      const answers = idsOf(parsed).map((id) => ({ jsonrpc: '2.0', id, ...make(id) }));
      return JSON.stringify(Array.isArray(parsed) ? answers : answers[0]);
    };

    switch (fault?.kind) {
      case 'rpc-error':
        return reply(200, answerEach(() => ({ error: { code: fault.code ?? -32000, message: fault.message ?? 'header not found' } })));
      case 'http':
        res.writeHead(fault.status ?? 500, { 'content-type': 'text/plain' });
        res.end('injected failure');
        return;
      case 'close':
        req.socket.destroy();
        return;
      case 'blackhole':
        return reply(200, answerEach(() => ({ result: fault.result ?? null })));
      case 'drop-response': {
        await forward(body);
        req.socket.destroy();
        return;
      }
      case 'delay':
        await sleep(fault.ms);
        break;
      default:
        break;
    }
    const upstreamAnswer = await forward(body);
    if (!res.destroyed) reply(upstreamAnswer.status, upstreamAnswer.text);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('upstream failed');
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    failNext: (n, fault) => rules.push({ fault, times: n, left: n }),
    failMethod: (method, fault, times = 1) => rules.push({ fault, method, times, left: times }),
    addRule: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    chaos: (options) => (chaos = options && { ...options, random: mulberry32(options.seed ?? 1) }),
    clear: () => {
      rules = [];
      chaos = undefined;
    },
    requests,
    count: (method) => {
      const seen = requests.filter((r) => r.methods.includes(method));
      return { seen: seen.length, faulted: seen.filter((r) => r.fault !== undefined).length };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
