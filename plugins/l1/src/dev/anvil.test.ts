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
});
