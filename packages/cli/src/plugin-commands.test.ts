import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, MetisError, type AnyPlugin, type CommandLike, type PluginCommandContext } from '@metis/core';
import { memoryIo } from './io.js';
import { buildProgram, run } from './main.js';
import { BUILTIN_COMMANDS, pluginsForCommands, takeConfigOption, wantsPluginCommands } from './plugin-commands.js';

/** A plugin adding `metis hello <name> [--loud] [--times <n>]`, loaded lazily (counts its loads). */
function helloPlugin(): { plugin: AnyPlugin; loads: () => number } {
  let loads = 0;
  const plugin = definePlugin({
    id: 'hello',
    setup: () => undefined,
    commands: async () => {
      loads++;
      return {
        register(program: CommandLike, ctx: PluginCommandContext) {
          const times = (v: string): number => {
            if (!/^\d+$/.test(v)) throw ctx.invalidArgument('must be a whole number');
            return Number(v);
          };
          const hello = program.command('hello').description('greets');
          hello
            .command('say <name>')
            .description('say hello')
            .option('--loud', 'shout')
            .option('--times <n>', 'repeat', times, 1)
            .action((name: string, opts: { loud?: boolean; times: number }) => {
              if (name === 'nobody') throw new MetisError('CLI_USAGE', { reason: 'say hello to somebody' });
              if (name === 'boom') throw new Error('exploded');
              for (let i = 0; i < opts.times; i++) ctx.io.out(`${opts.loud ? 'HELLO' : 'hello'} ${name} (${ctx.env.GREETING ?? '-'})\n`);
              if (name === 'three') ctx.exit(3);
            });
        },
      };
    },
  })();
  return { plugin, loads: () => loads };
}

describe('plugin commands', () => {
  it('the built-in names are exactly the program\'s top-level commands (plus help)', () => {
    const names = buildProgram({ io: memoryIo() }).commands.map((c) => c.name());
    expect(new Set([...names, 'help'])).toEqual(BUILTIN_COMMANDS);
  });

  it('are loaded only for a command that is not built in, or for help', () => {
    expect(wantsPluginCommands(['dac', 'info', '1'])).toBe(true);
    expect(wantsPluginCommands(['help', 'dac'])).toBe(true);
    expect(wantsPluginCommands(['--help'])).toBe(true);
    expect(wantsPluginCommands([])).toBe(true);
    expect(wantsPluginCommands(['help'])).toBe(true);
    expect(wantsPluginCommands(['dev', '--port', '0'])).toBe(false);
    expect(wantsPluginCommands(['start', '--help'])).toBe(false);
    expect(wantsPluginCommands(['help', 'dev'])).toBe(false);
    expect(wantsPluginCommands(['--version'])).toBe(false);
    expect(takeConfigOption(['dac', '--config', 'a.ts', 'info', '--config=b.ts', '--', '--config', 'x'])).toEqual({ config: 'b.ts', args: ['dac', 'info', '--', '--config', 'x'] });
  });

  it('a plugin adds a command: options, parsers, env, exit codes and errors', async () => {
    const { plugin, loads } = helloPlugin();
    const io = memoryIo();
    const prev = process.env.GREETING;
    process.env.GREETING = 'env';
    try {
      expect(await run(['hello', 'say', 'ada', '--loud', '--times', '2'], { io, plugins: [plugin] })).toBe(0);
    } finally {
      if (prev === undefined) delete process.env.GREETING;
      else process.env.GREETING = prev;
    }
    expect(io.stdout()).toBe('HELLO ada (env)\nHELLO ada (env)\n');
    expect(loads()).toBe(1);

    expect(await run(['hello', 'say', 'three'], { io: memoryIo(), plugins: [plugin] })).toBe(3);
    const bad = memoryIo();
    expect(await run(['hello', 'say', 'ada', '--times', 'x'], { io: bad, plugins: [plugin] })).toBe(2);
    expect(bad.stderr()).toContain('must be a whole number');
    const usage = memoryIo();
    expect(await run(['hello', 'say', 'nobody'], { io: usage, plugins: [plugin] })).toBe(2);
    expect(usage.stderr()).toContain('METIS-701 say hello to somebody');
    const failed = memoryIo();
    expect(await run(['hello', 'say', 'boom'], { io: failed, plugins: [plugin] })).toBe(1);
    expect(failed.stderr()).toContain('exploded');

    const help = memoryIo();
    expect(await run(['--help'], { io: help, plugins: [plugin] })).toBe(0);
    expect(help.stdout()).toMatch(/hello\s+greets/);

    // A built-in command never loads the plugins.
    const before = loads();
    expect(await run(['init', '--help'], { io: memoryIo(), plugins: [plugin] })).toBe(0);
    expect(loads()).toBe(before);
  });

  it('an unknown command is the usual usage error; a plugin taking a built-in name is PLUGIN_INVALID', async () => {
    const io = memoryIo();
    expect(await run(['hello', 'say', 'ada'], { io, plugins: [] })).toBe(2);
    expect(io.stderr()).toContain("unknown command 'hello'");
    const squatter = definePlugin({
      id: 'squatter',
      setup: () => undefined,
      commands: async () => ({ register: (program) => void program.command('dev').action(() => undefined) }),
    })();
    const e = memoryIo();
    expect(await run(['whatever'], { io: e, plugins: [squatter] })).toBe(1);
    expect(e.stderr()).toMatch(/METIS-108 .*squatter.*dev/);
  });

  describe('from a config file', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'metis-plugin-commands-'));
      const hello = `{ definition: { id: 'hello', setup() {}, commands: async () => ({ register(program, ctx) { program.command('hello').description('greets').action(() => ctx.io.out('hi from the config\\n')); } }) }, input: undefined }`;
      await writeFile(join(dir, 'with.mjs'), `export default { chainId: 7, plugins: [${hello}] };\n`);
      await writeFile(join(dir, 'without.mjs'), 'export default { chainId: 7, plugins: [] };\n');
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('without a config in the folder: the zero-config devnet\'s plugins, the dac and token commands among them', async () => {
      const ids = (await pluginsForCommands(undefined, dir)).map((p) => p.definition.id);
      expect(ids).toEqual(expect.arrayContaining(['evm', 'dac', 'token']));
      const io = memoryIo();
      expect(await run(['dac', '--help'], { io, cwd: dir })).toBe(0);
      expect(io.stdout()).toContain('create [options] <name>');
    });

    it('--config <file> offers its plugins\' commands; a config without the plugin has no such command', async () => {
      const io = memoryIo();
      expect(await run(['hello', '--config', 'with.mjs'], { io, cwd: dir })).toBe(0);
      expect(io.stdout()).toBe('hi from the config\n');
      const none = memoryIo();
      expect(await run(['hello', '--config', 'without.mjs'], { io: none, cwd: dir })).toBe(2);
      expect(none.stderr()).toContain("unknown command 'hello'");
      const missing = memoryIo();
      expect(await run(['hello', '--config', 'nope.mjs'], { io: missing, cwd: dir })).toBe(2);
      expect(missing.stderr()).toContain('METIS-202');
    });
  });
});
