import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FINALITY, type MetisNode } from '@metis/core';
import { localSettlement } from './index.js';
import { FakeChain, buildNode, sleep, until } from './testing/fakes.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const ROOT = here('../../../');
const CHILD = here('./testing/kill-child.ts');
const TSCONFIG = here('./testing/tsconfig.child.json');

let dir: string;
let node: MetisNode | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metis-settlement-kill-'));
});
afterEach(async () => {
  await node?.stop();
  node = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has printed `batches` more batch events, then SIGKILLs it a moment later. */
async function runAndKill(batches: number, extraMs: number): Promise<string> {
  // `node --import tsx` rather than the tsx binary, which would run the script in a grandchild that
  // SIGKILL would not reach.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, join(dir, 'data'), join(dir, 'chain.jsonl')], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit');
  try {
    await until(() => (out.match(/^batch /gm)?.length ?? 0) >= batches || child.exitCode !== null, 20_000, 'the child to batch');
    if (child.exitCode !== null) throw new Error(`child exited early (${child.exitCode}): ${err}`);
    await sleep(extraMs);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return out;
}

it('batches every block exactly once across SIGKILLs at any moment', { timeout: 90_000 }, async () => {
  // Kill while blocks, commits, proofs and finalizations are all under way, at varying moments.
  for (const extraMs of [0, 7, 23]) await runAndKill(6, extraMs);

  const chain = new FakeChain({ file: join(dir, 'chain.jsonl') });
  const head = chain.head().number;
  expect(head).toBeGreaterThan(6n);
  node = await buildNode(join(dir, 'data'), chain, [localSettlement({ batchSize: 3, batchInterval: 15, finalityDelay: 20 })]);
  await node.start();
  const finality = node.container.resolve(FINALITY);
  await until(() => finality.finalizedBlock() === head, 10_000, 'every block final');

  let next = 1n;
  finality.batches().forEach((b, i) => {
    expect(b.index).toBe(BigInt(i));
    expect(b.firstBlock).toBe(next);
    expect(b.blockHashes).toEqual(chain.blocks.slice(Number(b.firstBlock), Number(b.lastBlock) + 1).map((x) => x.hash));
    next = b.lastBlock + 1n;
  });
  expect(next - 1n).toBe(head);
});
