import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, NonceManager, parseEther } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { l1ContractsSchema } from '../options.js';
import { anvilKey, startL1, type L1Env } from '../testing/l1-env.js';
import {
  CHALLENGER_ROLE,
  DEFAULT_DA_RESPONSE_WINDOW,
  DEFAULT_MIN_CHALLENGE_BOND,
  DEV_DA_RESPONSE_WINDOW,
  SLASHER_ROLE,
  deployL1,
} from './deploy-l1.js';
import { ensureDevDeployment } from './dev-deployment.js';

describe('deployL1 and the dev deployment', () => {
  let l1: L1Env;
  let dir: string;
  beforeAll(async () => {
    l1 = await startL1();
    dir = await mkdtemp(join(tmpdir(), 'metis-deploy-l1-'));
  });
  afterAll(async () => {
    await l1?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const at = (name: string, address: string): Contract => new Contract(address, loadArtifact(name).abi as never, l1.provider);

  it('deploys the DaChallenge on the BatchInbox with the default window and bond, and grants its roles', async () => {
    const d = await deployL1(new NonceManager(l1.wallet(0)), { unbondingDelay: 7_200 });
    expect(Object.keys(d.addresses)).toEqual(['chainRegistry', 'bondManager', 'bridge', 'batchInbox', 'dataInbox', 'daChallenge']);
    const da = at('DaChallenge', d.addresses.daChallenge);
    expect(await da.getFunction('inbox')()).toBe(d.addresses.batchInbox);
    expect(await da.getFunction('registry')()).toBe(d.addresses.chainRegistry);
    expect(await da.getFunction('bonds')()).toBe(d.addresses.bondManager);
    expect(await da.getFunction('responseWindow')()).toBe(BigInt(DEFAULT_DA_RESPONSE_WINDOW));
    expect(await da.getFunction('minChallengeBond')()).toBe(DEFAULT_MIN_CHALLENGE_BOND);
    expect(await d.batchInbox.getFunction('hasRole')(CHALLENGER_ROLE, d.addresses.daChallenge)).toBe(true);
    expect(await d.bondManager.getFunction('hasRole')(SLASHER_ROLE, d.addresses.daChallenge)).toBe(true);
    expect(await d.daChallenge.getAddress()).toBe(d.addresses.daChallenge);
  });

  it('takes the response window and the bond as options', async () => {
    const d = await deployL1(new NonceManager(l1.wallet(1)), { unbondingDelay: 100, daChallenge: { responseWindow: 45, minChallengeBond: parseEther('0.5') } });
    expect(await d.daChallenge.getFunction('responseWindow')()).toBe(45n);
    expect(await d.daChallenge.getFunction('minChallengeBond')()).toBe(parseEther('0.5'));
  });

  it('ensureDevDeployment records the DaChallenge (dev window) and keeps bonds slashable through a challenge', async () => {
    const file = join(dir, 'dev.json');
    const contracts = await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(2), file, unbondingDelay: 10 });
    const recorded = l1ContractsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(recorded).toEqual(contracts);
    expect(recorded.daChallenge).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(await at('DaChallenge', recorded.daChallenge!).getFunction('responseWindow')()).toBe(BigInt(DEV_DA_RESPONSE_WINDOW));
    expect(await at('BondManager', recorded.bondManager).getFunction('unbondingDelay')()).toBe(BigInt(10 + DEV_DA_RESPONSE_WINDOW));
    // A resumed devnet reuses the recorded deployment.
    expect(await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(2), file, unbondingDelay: 10 })).toEqual(contracts);
  });

  it('ensureDevDeployment keeps a file recorded before the DaChallenge existed', async () => {
    const file = join(dir, 'older.json');
    const d = await deployL1(new NonceManager(l1.wallet(3)), { unbondingDelay: 10 });
    const { daChallenge: _, ...older } = d.addresses;
    await writeFile(file, JSON.stringify({ ...older, startBlock: d.startBlock }));
    const contracts = await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(3), file, unbondingDelay: 10 });
    expect(contracts).toEqual({ ...older, startBlock: d.startBlock });
    expect(contracts.daChallenge).toBeUndefined();
  });
});
