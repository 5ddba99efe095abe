import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { memoryIo } from './io.js';
import { buildProgram, run, type Handlers } from './main.js';

/** Runs the program with handlers that record what they were called with. */
async function parse(args: string[]): Promise<{ code: number; calls: Array<[keyof Handlers, unknown[]]>; io: ReturnType<typeof memoryIo> }> {
  const calls: Array<[keyof Handlers, unknown[]]> = [];
  const record =
    (name: keyof Handlers) =>
    async (...a: unknown[]): Promise<number> => {
      calls.push([name, a.slice(0, -1)]);
      return 0;
    };
  const handlers = { init: record('init'), dev: record('dev'), start: record('start'), configCheck: record('configCheck') } as Handlers;
  const io = memoryIo();
  const code = await run(args, { io, handlers });
  return { code, calls, io };
}

const leaves = (program: Command): Command[] =>
  program.commands.flatMap((c) => (c.commands.length > 0 ? [c, ...leaves(c)] : [c]));

describe('buildProgram', () => {
  it('has init, dev, start and config check, each with a description, --help and --log-level', () => {
    const program = buildProgram({ io: memoryIo() });
    expect(program.name()).toBe('metis');
    const commands = leaves(program);
    expect(commands.map((c) => c.name())).toEqual(['init', 'dev', 'start', 'config', 'check', 'deploy', 'deposit', 'withdraw', 'withdrawals', 'da', 'get', 'challenge', 'resolve']);
    for (const command of commands) {
      expect(command.description().length).toBeGreaterThan(10);
      const help = command.helpInformation();
      expect(help).toContain('--help');
      // The node commands log; the bridge commands (commands/bridge-program.test.ts) print their results.
      if (['init', 'dev', 'start', 'check'].includes(command.name())) expect(help).toContain('--log-level <level>');
    }
  });

  it('parses dev defaults', async () => {
    const { code, calls } = await parse(['dev']);
    expect(code).toBe(0);
    expect(calls).toEqual([
      [
        'dev',
        [
          {
            chainId: 1337,
            port: 8545,
            host: '127.0.0.1',
            blockTime: 1000,
            accounts: 10,
            balance: '10000',
            mnemonic: 'test test test test test test test test test test test junk',
            challengeWindow: 10,
            da: 'ipfs',
            rangers: 0,
            rangerStake: '1',
            rangerLogLevel: 'warn',
            logLevel: 'info',
          },
        ],
      ],
    ]);
  });

  it('parses every dev option', async () => {
    const { calls } = await parse([
      'dev',
      '--chain-id', '42',
      '--port', '0',
      '--host', '0.0.0.0',
      '--block-time', 'instant',
      '--data-dir', './chain',
      '--accounts', '3',
      '--balance', '1.5',
      '--mnemonic', 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
      '--finality-delay', '250',
      '--l1', 'http://127.0.0.1:9545',
      '--challenge-window', '3',
      '--da', 'calldata',
      '--ipfs-peer', '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA', '/ip4/127.0.0.1/tcp/4002',
      '--rangers', '4',
      '--ranger-stake', '2.5',
      '--ranger-log-level', 'info',
      '--plugin', './a.mjs', './b.mjs',
      '--log-level', 'debug',
    ]);
    expect(calls[0]![1][0]).toEqual({
      chainId: 42,
      port: 0,
      host: '0.0.0.0',
      blockTime: 'instant',
      dataDir: './chain',
      accounts: 3,
      balance: '1.5',
      mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
      finalityDelay: 250,
      l1: 'http://127.0.0.1:9545',
      challengeWindow: 3,
      da: 'calldata',
      ipfsPeer: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWA', '/ip4/127.0.0.1/tcp/4002'],
      rangers: 4,
      rangerStake: '2.5',
      rangerLogLevel: 'info',
      plugin: ['./a.mjs', './b.mjs'],
      logLevel: 'debug',
    });
    expect((await parse(['dev', '-b', '250'])).calls[0]![1][0]).toMatchObject({ blockTime: 250 });
    expect((await parse(['dev', '--role', 'ranger'])).calls[0]![1][0]).toMatchObject({ role: 'ranger' });
    expect((await parse(['dev', '--no-l1'])).calls[0]![1][0]).toMatchObject({ l1: false });
  });

  it('parses start, config check and init', async () => {
    expect((await parse(['start'])).calls).toEqual([['start', [{ config: './metis.config.ts' }]]]);
    expect((await parse(['start', '-c', 'x/metis.config.ts', '--data-dir', '/d', '--log-level', 'warn'])).calls).toEqual([
      ['start', [{ config: 'x/metis.config.ts', dataDir: '/d', logLevel: 'warn' }]],
    ]);
    expect((await parse(['config', 'check', '--config', 'a.ts'])).calls).toEqual([['configCheck', [{ config: 'a.ts' }]]]);
    expect((await parse(['init'])).calls).toEqual([['init', ['.', { force: false }]]]);
    expect((await parse(['init', 'app', '--force'])).calls).toEqual([['init', ['app', { force: true }]]]);
  });

  it('exits 2 on usage errors without running anything', async () => {
    for (const args of [
      ['dev', '--port', 'abc'],
      ['dev', '--port', '70000'],
      ['dev', '--chain-id', '0'],
      ['dev', '--da', 'blobs'],
      ['da', 'get', '1', '--l1', 'http://127.0.0.1:8545', '--contracts', 'x.json'],
      ['dev', '--block-time', 'soon'],
      ['dev', '--balance', '-1'],
      ['dev', '--log-level', 'loud'],
      ['start', '--unknown'],
      ['bogus'],
      [],
      ['config'],
    ]) {
      const { code, calls, io } = await parse(args);
      expect({ args, code, calls }).toEqual({ args, code: 2, calls: [] });
      expect(io.stderr().length + io.stdout().length).toBeGreaterThan(0);
    }
  });

  it('prints help and the version with exit code 0', async () => {
    for (const args of [['--help'], ['dev', '--help'], ['start', '--help'], ['init', '--help'], ['config', 'check', '--help'], ['help', 'dev']]) {
      const { code, io } = await parse(args);
      expect(code).toBe(0);
      expect(io.stdout()).toMatch(/^Usage: metis/);
    }
    const { code, io } = await parse(['--version']);
    expect(code).toBe(0);
    expect(io.stdout()).toBe('0.1.0\n');
  });

  it('returns the exit code of the command and prints a coded line for a failure', async () => {
    const io = memoryIo();
    const handlers: Partial<Handlers> = {
      start: async () => {
        throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      },
      configCheck: async () => 2,
    };
    expect(await run(['start'], { io, handlers })).toBe(1);
    expect(io.stderr()).toBe('Error: disk on fire\n');
    expect(await run(['config', 'check'], { io: memoryIo(), handlers })).toBe(2);
  });
});
