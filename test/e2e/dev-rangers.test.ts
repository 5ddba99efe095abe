// `metis dev --rangers N` as a user runs it: the devnet starts N ranger processes, funded and staked on its
// embedded L1; batches get finalized by certificate long before the challenge window; stopping the devnet
// stops every ranger and the L1 with it.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Contract, JsonRpcProvider, type EventLog } from 'ethers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { CHAIN_ID, removeDir, startDevnet, type Devnet, until } from './harness.js';

/** Processes whose command line mentions `needle` (ours only). */
const processesWith = (needle: string): string[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'));

describe('metis dev --rangers', () => {
  let node: Devnet | undefined;
  afterAll(async () => {
    if (node && node.process.exitCode === null) await node.stop();
    if (node) await removeDir(node.dataDir);
  });

  it('starts staked ranger processes that certify batches within seconds, and stops them with the devnet', async () => {
    node = await startDevnet({ l1: true, blockTime: '500', args: ['--rangers', '3', '--challenge-window', '20'] });
    expect(node.output()).toMatch(/Rangers:\s+3, 1 ETH staked each/);
    const contracts = JSON.parse(readFileSync(node.l1Contracts!, 'utf8')) as { rangerRegistry: string; rangerCertifier: string; batchInbox: string };
    const l1 = new JsonRpcProvider(node.l1Url!, undefined, { cacheTimeout: -1 });
    try {
      const registry = new Contract(contracts.rangerRegistry, loadArtifact('RangerRegistry').abi as never, l1);
      const certifier = new Contract(contracts.rangerCertifier, loadArtifact('RangerCertifier').abi as never, l1);
      const inbox = new Contract(contracts.batchInbox, loadArtifact('BatchInbox').abi as never, l1);
      await until('three staked rangers', async () => ((await registry.getFunction('rangers')(CHAIN_ID)) as string[]).length === 3, 60_000);
      // Each runs in its own process with its own data directory under the devnet's.
      expect(processesWith(`--data-dir ${node.dataDir}/ranger-`)).toHaveLength(3);
      // The batches appended before the rangers staked finalize by the 20 s window; then certificates keep up.
      const certified = await until(
        'three certificates',
        async () => {
          const events = (await certifier.queryFilter(certifier.filters.BatchCertified!(CHAIN_ID))) as EventLog[];
          return events.length >= 3 ? events.at(-1) : undefined;
        },
        90_000,
      );
      expect(Number(certified.args.signerCount)).toBeGreaterThanOrEqual(2);
      const stored = await inbox.getFunction('getBatch')(CHAIN_ID, certified.args.batchIndex);
      const at = (await l1.getBlock(certified.blockNumber))!.timestamp;
      expect(at - Number(stored.appendedAt)).toBeLessThan(10);
      await until('the certificate in the log', async () => /batch finalized by the rangers/.test(node!.output()), 10_000);
    } finally {
      l1.destroy();
    }
    expect(await node.stop()).toBe(0);
    await until('no ranger process left', async () => processesWith(`--data-dir ${node!.dataDir}/ranger-`).length === 0, 15_000, 200);
  });
});
