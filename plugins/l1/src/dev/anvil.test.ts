import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startAnvil } from './anvil.js';

async function call(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('startAnvil', () => {
  it('starts on 127.0.0.1 with the chain id asked for, mines on interval, and stops', async () => {
    const anvil = await startAnvil({ chainId: 4242, blockTime: 1 });
    try {
      expect(anvil.url).toBe(`http://127.0.0.1:${anvil.port}`);
      expect(anvil.pid).toBeGreaterThan(0);
      expect(Number(await call(anvil.url, 'eth_chainId'))).toBe(4242);
      const first = Number(await call(anvil.url, 'eth_blockNumber'));
      await new Promise((r) => setTimeout(r, 2_200));
      expect(Number(await call(anvil.url, 'eth_blockNumber'))).toBeGreaterThan(first);
    } finally {
      await anvil.stop();
    }
    expect(anvil.process.exitCode !== null || anvil.process.signalCode !== null).toBe(true);
    expect(await portOpen(anvil.port)).toBe(false);
    await anvil.stop(); // idempotent
  });

  it('automines by default: a transaction is mined without any block time passing', async () => {
    const anvil = await startAnvil();
    try {
      expect(Number(await call(anvil.url, 'eth_chainId'))).toBe(31337);
      const [from] = (await call(anvil.url, 'eth_accounts')) as string[];
      const before = Number(await call(anvil.url, 'eth_blockNumber'));
      const hash = await call(anvil.url, 'eth_sendTransaction', [{ from, to: from, value: '0x1' }]);
      // anvil mines it on arrival; its receipt may take a moment to be served on a busy machine.
      let receipt: { status: string; blockNumber: string } | null = null;
      for (let i = 0; i < 50 && !receipt; i++) {
        receipt = await call(anvil.url, 'eth_getTransactionReceipt', [hash]);
        if (!receipt) await new Promise((r) => setTimeout(r, 20));
      }
      expect(receipt?.status).toBe('0x1');
      expect(Number(receipt!.blockNumber)).toBe(before + 1);
    } finally {
      await anvil.stop();
    }
  });

  it('an anvil tied to its parent dies with it: on exit (exit hook) and on SIGKILL (watchdog)', async () => {
    // A child Node process (the built module) starts a tied anvil, prints its port, then exits or waits.
    const script = (exit: boolean): string =>
      `import { startAnvil } from ${JSON.stringify(new URL('../../dist/dev/anvil.js', import.meta.url).href)};
       const a = await startAnvil({ tiedToParent: true });
       console.log('PORT ' + a.port);
       ${exit ? 'process.exit(0);' : 'setInterval(() => {}, 1000);'}`;
    for (const exit of [true, false]) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(exit)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /PORT (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => (/PORT/.test(out) ? undefined : reject(new Error(`child exited with ${code}`))));
      });
      if (!exit) child.kill('SIGKILL');
      const deadline = Date.now() + 10_000;
      while ((await portOpen(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await portOpen(port)).toBe(false);
    }
  });
});
