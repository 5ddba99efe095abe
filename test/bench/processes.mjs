// Starting and stopping the two nodes under test (anvil and `metis dev`), and free ports.
// Every child started here is tracked and killed on exit, so no node outlives the benchmark.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, sleep } from './rpc.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const METIS_BIN = join(ROOT, 'packages/cli/bin/metis.js');

/** The Node flags on the binary's shebang (`#!/usr/bin/env -S node <flags>`): the node runs as `npx metis` runs it. */
export function binNodeFlags() {
  const shebang = readFileSync(METIS_BIN, 'utf8').split('\n', 1)[0];
  const m = /^#!.*\bnode\b(.*)$/.exec(shebang);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

/** The anvil binary installed by @foundry-rs/anvil-linux-amd64. */
export function anvilBin() {
  const candidates = [join(ROOT, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil'), join(ROOT, 'node_modules/.bin/anvil')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`anvil not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** A free TCP port on 127.0.0.1: bind port 0, read the port, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const live = new Set();
process.once('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** Keeps the last `max` lines a child printed (stdout and stderr together). */
function tailBuffer(max = 300) {
  const lines = [];
  let partial = '';
  return {
    push(chunk) {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop();
      lines.push(...parts);
      if (lines.length > max) lines.splice(0, lines.length - max);
    },
    text: (n = max) => [...lines.slice(-n), ...(partial ? [partial] : [])].join('\n'),
  };
}

function track(name, child, out, cleanup) {
  live.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => out.push(c));
  // BENCH_NODE_LOG=<file>: everything the nodes print, appended to that file (for debugging a run).
  if (process.env.BENCH_NODE_LOG) {
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (c) => appendFileSync(process.env.BENCH_NODE_LOG, c));
  }
  let stopping;
  return {
    name,
    pid: child.pid,
    exited,
    output: (n) => out.text(n),
    running: () => child.exitCode === null && child.signalCode === null,
    /** SIGTERM (once), wait up to `graceMs`, then SIGKILL; then runs `cleanup`. Idempotent. */
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          }, graceMs);
          await exited;
          clearTimeout(timer);
        }
        await cleanup?.();
        return exited;
      })();
      return stopping;
    },
  };
}

/** `anvil --version`, first line. */
export function anvilVersion() {
  try {
    return execFileSync(anvilBin(), ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

/** Starts anvil (no automining: blocks are mined with evm_mine) and waits until it answers eth_chainId. */
export async function startAnvil({ chainId }) {
  const port = await freePort();
  const args = ['--hardfork', 'prague', '--no-mining', '--chain-id', String(chainId), '--port', String(port), '--host', '127.0.0.1', '--silent'];
  const child = spawn(anvilBin(), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const node = track('anvil', child, tailBuffer());
  node.url = `http://127.0.0.1:${port}`;
  node.mine = true;
  node.command = `anvil ${args.join(' ')}`;
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (!node.running()) throw new Error(`anvil exited early:\n${node.output()}`);
      try {
        const id = await call(node.url, 'eth_chainId', []);
        if (Number(id) !== chainId) throw new Error(`anvil reports chain id ${id}, expected ${chainId}`);
        break;
      } catch (e) {
        if (/chain id/.test(e.message)) throw e;
        if (Date.now() > deadline) throw new Error(`anvil did not answer on ${node.url} within 30 s: ${e.message}\n${node.output()}`);
        await sleep(100);
      }
    }
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}

/** Starts `metis dev` with instant blocks in a fresh data directory and waits for its "Listening on" line. */
export async function startMetis({ chainId, l1 = false, blockTime = 'instant', extraArgs = [] }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'metis-bench-'));
  // BENCH_NODE_ARGS passes flags to the node process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // --no-l1: the L2's own throughput, as anvil's is measured; batches are still recorded (local settlement).
  // With `l1`, its embedded anvil L1 and settlement (test/bench/l1-cost.mjs).
  const args = [...binNodeFlags(), ...nodeArgs, METIS_BIN, 'dev', '--port', '0', '--block-time', blockTime, ...(l1 ? ['--challenge-window', '5'] : ['--no-l1']), '--chain-id', String(chainId), '--data-dir', dataDir, ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const node = track('metis', child, tailBuffer(), () => rm(dataDir, { recursive: true, force: true }));
  node.dataDir = dataDir;
  node.mine = false;
  node.command = `node ${args.map((a) => a.replace(ROOT, '')).join(' ')}`;
  try {
    node.url = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`metis dev printed no "Listening on" line within 90 s:\n${node.output()}`)), 90_000);
      const onData = (c) => {
        seen = (seen + c.toString()).slice(-4096);
        const m = /Listening on (http:\/\/[^\s]+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          node.l1Url = /L1 RPC:\s+(http:\/\/[\d.]+:\d+)/.exec(seen)?.[1];
          node.l1Contracts = /L1 contracts:\s+(\S+)/.exec(seen)?.[1];
          resolve(m[1].replace(/\/$/, ''));
        }
      };
      child.stdout.on('data', onData);
      node.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`metis dev exited (code ${code}, signal ${signal}) before listening:\n${node.output()}`));
      });
    });
    const id = await call(node.url, 'eth_chainId', []);
    if (Number(id) !== chainId) throw new Error(`metis reports chain id ${id}, expected ${chainId}`);
  } catch (e) {
    await node.stop();
    throw e;
  }
  return node;
}
