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
  DEFAULT_RANGER_CHALLENGE_BOND,
  DEFAULT_RANGER_VOTE_WINDOW,
  DEV_DA_RESPONSE_WINDOW,
  DEV_RANGER_VOTE_WINDOW,
  FINALIZER_ROLE,
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
    expect(Object.keys(d.addresses)).toEqual([
      'chainRegistry',
      'bondManager',
      'bridge',
      'batchInbox',
      'dataInbox',
      'daChallenge',
      'rangerRegistry',
      'rangerCertifier',
      'rangerDisputes',
    ]);
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

  it('deploys the rangers\' contracts, wired to the inbox with their roles, no chain configured', async () => {
    const treasury = l1.wallet(5).address;
    const d = await deployL1(new NonceManager(l1.wallet(4)), { unbondingDelay: 7_200, treasury });
    const { rangerRegistry: registry, rangerCertifier: certifier, rangerDisputes: disputes } = d.addresses;
    const reg = at('RangerRegistry', registry);
    expect(await reg.getFunction('chainRegistry')()).toBe(d.addresses.chainRegistry);
    expect(await reg.getFunction('treasury')()).toBe(treasury);
    const dis = at('RangerDisputes', disputes);
    expect(await dis.getFunction('inbox')()).toBe(d.addresses.batchInbox);
    expect(await dis.getFunction('rangerRegistry')()).toBe(registry);
    expect(await dis.getFunction('bonds')()).toBe(d.addresses.bondManager);
    expect(await dis.getFunction('voteWindow')()).toBe(BigInt(DEFAULT_RANGER_VOTE_WINDOW));
    expect(await dis.getFunction('minChallengeBond')()).toBe(DEFAULT_RANGER_CHALLENGE_BOND);
    const cert = at('RangerCertifier', certifier);
    expect(await cert.getFunction('inbox')()).toBe(d.addresses.batchInbox);
    expect(await cert.getFunction('disputes')()).toBe(disputes);
    expect(await cert.getFunction('rangerRegistry')()).toBe(registry);
    const hasRole = (c: Contract, role: string, account: string): Promise<boolean> => c.getFunction('hasRole')(role, account);
    expect(await hasRole(d.batchInbox, FINALIZER_ROLE, certifier)).toBe(true);
    expect(await hasRole(d.batchInbox, CHALLENGER_ROLE, disputes)).toBe(true);
    expect(await hasRole(d.bondManager, SLASHER_ROLE, disputes)).toBe(true);
    expect(await hasRole(reg, SLASHER_ROLE, disputes)).toBe(true);
    expect(await hasRole(d.batchInbox, FINALIZER_ROLE, disputes)).toBe(false);
    expect(await hasRole(d.batchInbox, CHALLENGER_ROLE, certifier)).toBe(false);
    expect(await d.rangerRegistry.getAddress()).toBe(registry);
    expect(await d.rangerCertifier.getAddress()).toBe(certifier);
    expect(await d.rangerDisputes.getAddress()).toBe(disputes);
  });

  it('takes the response window and the bond as options', async () => {
    const d = await deployL1(new NonceManager(l1.wallet(1)), {
      unbondingDelay: 100,
      daChallenge: { responseWindow: 45, minChallengeBond: parseEther('0.5') },
      rangers: { voteWindow: 50, minChallengeBond: parseEther('0.2') },
    });
    expect(await d.daChallenge.getFunction('responseWindow')()).toBe(45n);
    expect(await d.daChallenge.getFunction('minChallengeBond')()).toBe(parseEther('0.5'));
    expect(await d.rangerDisputes.getFunction('voteWindow')()).toBe(50n);
    expect(await d.rangerDisputes.getFunction('minChallengeBond')()).toBe(parseEther('0.2'));
  });

  it('ensureDevDeployment records the DaChallenge (dev window) and keeps bonds slashable through a challenge', async () => {
    const file = join(dir, 'dev.json');
    const contracts = await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(2), file, unbondingDelay: 10 });
    const recorded = l1ContractsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(recorded).toEqual(contracts);
    expect(recorded.daChallenge).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(await at('DaChallenge', recorded.daChallenge!).getFunction('responseWindow')()).toBe(BigInt(DEV_DA_RESPONSE_WINDOW));
    expect(await at('RangerDisputes', recorded.rangerDisputes!).getFunction('voteWindow')()).toBe(BigInt(DEV_RANGER_VOTE_WINDOW));
    expect(await at('BondManager', recorded.bondManager).getFunction('unbondingDelay')()).toBe(
      BigInt(10 + Math.max(DEV_DA_RESPONSE_WINDOW, DEV_RANGER_VOTE_WINDOW)),
    );
    // A resumed devnet reuses the recorded deployment.
    expect(await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(2), file, unbondingDelay: 10 })).toEqual(contracts);
  });

  it('ensureDevDeployment keeps a file recorded before the DaChallenge and the rangers existed', async () => {
    const file = join(dir, 'older.json');
    const d = await deployL1(new NonceManager(l1.wallet(3)), { unbondingDelay: 10 });
    const { daChallenge: _, rangerRegistry: _r, rangerCertifier: _c, rangerDisputes: _d, ...older } = d.addresses;
    await writeFile(file, JSON.stringify({ ...older, startBlock: d.startBlock }));
    const contracts = await ensureDevDeployment({ rpcUrl: l1.anvil.url, deployerKey: anvilKey(3), file, unbondingDelay: 10 });
    expect(contracts).toEqual({ ...older, startBlock: d.startBlock });
    expect(contracts.daChallenge).toBeUndefined();
    expect(contracts.rangerRegistry).toBeUndefined();
  });
});
