import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { run, type Handlers } from '../main.js';

/** Runs the program with bridge handlers that record their options. */
async function parse(args: string[]): Promise<{ code: number; calls: Array<[string, unknown]>; stderr: string; stdout: string }> {
  const calls: Array<[string, unknown]> = [];
  const record = (name: string) => async (options: unknown) => (calls.push([name, options]), 0);
  const handlers: Partial<Handlers> = { deploy: record('deploy'), deposit: record('deposit'), withdraw: record('withdraw'), withdrawals: record('withdrawals') };
  const io = memoryIo();
  const code = await run(args, { io, handlers });
  return { code, calls, stderr: io.stderr(), stdout: io.stdout() };
}

const L1 = ['--l1', 'http://127.0.0.1:9545'];
const A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('bridge command options', () => {
  it('parses deploy with its defaults and every option', async () => {
    expect((await parse(['deploy', ...L1])).calls).toEqual([['deploy', { l1: 'http://127.0.0.1:9545', out: './l1-deployment.json', unbondingDelay: 604800 }]]);
    expect((await parse(['deploy', ...L1, '-o', 'x.json', '--unbonding-delay', '60', '--force', '--keystore', 'k.json', '--json'])).calls[0]![1]).toEqual({
      l1: 'http://127.0.0.1:9545',
      out: 'x.json',
      unbondingDelay: 60,
      force: true,
      keystore: 'k.json',
      json: true,
    });
  });

  it('parses deposit, withdraw and withdrawals, checksumming addresses', async () => {
    const deposit = await parse(['deposit', ...L1, '--contracts', 'l1.json', '--chain-id', '42', '--amount', '1.5', '--token', A.toLowerCase(), '--to', A, '--rpc', 'http://l2:8545', '--wait', '--timeout', '30', '--key-env', 'ALICE']);
    expect(deposit.calls).toEqual([
      ['deposit', { l1: 'http://127.0.0.1:9545', contracts: 'l1.json', chainId: 42, amount: '1.5', token: A, to: A, rpc: 'http://l2:8545', wait: true, timeout: 30, keyEnv: 'ALICE' }],
    ]);
    expect((await parse(['deposit', ...L1, '--contracts', 'l1.json', '--amount', '2'])).calls[0]![1]).toEqual({ l1: 'http://127.0.0.1:9545', contracts: 'l1.json', amount: '2', timeout: 120 });
    expect((await parse(['withdraw', '--rpc', 'https://l2.example', '--amount', '0.25', '--to', A])).calls).toEqual([['withdraw', { rpc: 'https://l2.example', amount: '0.25', to: A }]]);
    expect((await parse(['withdrawals', '--rpc', 'http://l2', ...L1, '--contracts', 'c.json', '--address', A, '--finalize', '--from-block', '7'])).calls).toEqual([
      ['withdrawals', { rpc: 'http://l2', l1: 'http://127.0.0.1:9545', contracts: 'c.json', address: A, finalize: true, fromBlock: 7 }],
    ]);
  });

  it('refuses bad values with exit code 2 before running anything', async () => {
    const deposit = ['deposit', ...L1, '--contracts', 'l1.json'];
    for (const [args, message] of [
      [['deploy'], /required option '--l1 <url>'/],
      [['deploy', '--l1', 'localhost:8545'], /--l1 must be an http\(s\) URL/],
      [['deploy', '--l1', 'ws://127.0.0.1:1'], /--l1 must be an http\(s\) URL/],
      [['deploy', ...L1, '--unbonding-delay', '-5'], /Unbonding delay must be an integer/],
      [[...deposit], /required option '--amount <amount>'/],
      [[...deposit, '--amount', '0'], /Amount must be a positive decimal/],
      [[...deposit, '--amount', '1e18'], /Amount must be a positive decimal/],
      [[...deposit, '--amount', '.5'], /Amount must be a positive decimal/],
      [[...deposit, '--amount', '1', '--chain-id', '0'], /Chain id must be an integer of at least 1/],
      [[...deposit, '--amount', '1', '--to', '0xabc'], /--to must be an address/],
      [[...deposit, '--amount', '1', '--token', '0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266'], /--token must be an address .*checksum/],
      [[...deposit, '--amount', '1', '--key-env', 'A', '--keystore', 'k'], /cannot be used with option/],
      [['withdraw', '--amount', '1'], /required option '--rpc <url>'/],
      [['withdrawals', '--rpc', 'http://l2', ...L1], /required option '--contracts <file>'/],
      [['withdrawals', '--rpc', 'http://l2', ...L1, '--contracts', 'c', '--from-block', 'x'], /From block must be an integer/],
    ] as Array<[string[], RegExp]>) {
      const r = await parse(args);
      expect({ args, code: r.code, calls: r.calls }).toEqual({ args, code: 2, calls: [] });
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('prints help for each with exit code 0', async () => {
    for (const command of ['deploy', 'deposit', 'withdraw', 'withdrawals']) {
      const r = await parse([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: metis ${command} \\[options\\]`));
      expect(r.stdout).toContain('--keystore <file>');
    }
  });
});

describe('bridge command handlers refuse bad input before any request (exit code 2)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-bridge-cli-'));
    const a = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
    await writeFile(join(dir, 'l1.json'), JSON.stringify({ chainRegistry: a(1), bondManager: a(2), batchInbox: a(3), bridge: a(4), dataInbox: a(5), startBlock: 1 }));
    await writeFile(join(dir, 'exists.json'), '{}');
    delete process.env.METIS_KEY;
    delete process.env.METIS_DEPLOYER_KEY;
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  // Every L1/L2 URL here is closed: reaching the network would fail with exit code 1, not 2.
  const closed = 'http://127.0.0.1:9';
  const cases: Array<[string[], RegExp]> = [
    [['deploy', '--l1', closed, '--out', 'exists.json'], /exists.json already exists: .*--force/],
    [['deploy', '--l1', closed, '--out', 'new.json'], /no key: set the environment variable METIS_DEPLOYER_KEY/],
    [['deposit', '--l1', closed, '--contracts', 'missing.json', '--amount', '1', '--chain-id', '1'], /--contracts: .*cannot read the deployment file/],
    [['deposit', '--l1', closed, '--contracts', 'exists.json', '--amount', '1', '--chain-id', '1'], /--contracts: .*not a deployment file/],
    [['deposit', '--l1', closed, '--contracts', 'l1.json', '--amount', '1', '--chain-id', '1', '--wait'], /--wait needs --rpc/],
    [['deposit', '--l1', closed, '--contracts', 'l1.json', '--amount', '1', '--chain-id', '1'], /no key: set the environment variable METIS_KEY/],
    [['withdraw', '--rpc', closed, '--amount', '1', '--key-env', 'NOT_SET_ANYWHERE'], /no key: set the environment variable NOT_SET_ANYWHERE/],
    [['withdrawals', '--rpc', closed, '--l1', closed, '--contracts', 'l1.json'], /--address is required/],
    [['withdrawals', '--rpc', closed, '--l1', closed, '--contracts', 'l1.json', '--address', A, '--finalize'], /no key/],
  ];
  it.each(cases)('metis %j', async (args, message) => {
    const io = memoryIo();
    expect(await run(args, { io, cwd: dir })).toBe(2);
    expect(io.stderr()).toMatch(/^METIS-701 /);
    expect(io.stderr()).toMatch(message);
  });

  it('an unreachable endpoint is a runtime failure (exit code 1), named', async () => {
    process.env.METIS_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
    try {
      const io = memoryIo();
      expect(await run(['withdraw', '--rpc', 'http://127.0.0.1:9', '--amount', '1'], { io, cwd: dir })).toBe(1);
      expect(io.stderr()).toMatch(/cannot reach the L2 at http:\/\/127\.0\.0\.1:9/);
    } finally {
      delete process.env.METIS_KEY;
    }
  });
});
