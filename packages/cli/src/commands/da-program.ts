import type { Command } from 'commander';
import { int, jsonOption, keyOptions, url } from './bridge-program.js';
import type { CommandContext } from './context.js';
import { daChallenge, daGet, daResolve, type DaChallengeOptions, type DaGetOptions, type DaResolveOptions } from './da.js';
import { USER_KEY_ENV } from './deposit.js';

/** Where a batch is: the L1, the deployment file and the chain. */
function target(command: Command): Command {
  return command
    .requiredOption('--l1 <url>', 'L1 JSON-RPC URL', url('--l1'))
    .requiredOption('--contracts <file>', 'the deployment file (metis deploy; metis dev writes <data dir>/l1-deployment.json)')
    .requiredOption('--chain-id <id>', 'the L2 chain id', int('Chain id', 1));
}

/** Registers `metis da get | challenge | resolve`: a chain's batch data on its DA, and DA challenges on L1. */
export function registerDaCommands(program: Command, ctx: CommandContext, done: (code: number) => void): void {
  const da = program.command('da').description("a chain's batch data: fetch and verify it, challenge its availability on L1");
  target(da.command('get').description('fetch a batch from its DA (L1 calldata or IPFS), verify it against the L1 commitment and data hash, and show what it holds'))
    .argument('<batch>', 'batch index')
    .option('-o, --out <file>', 'write the verified batch bytes to this file')
    .option('--peer <multiaddr...>', "IPFS peers to fetch from (default: the peers the sequencer published in its L1 registry record)")
    .option('--timeout <ms>', 'milliseconds to wait for the data', int('Timeout', 1), 60_000)
    .addOption(jsonOption())
    .action(async (batch: string, opts: DaGetOptions) => done(await daGet(batch, opts, ctx)));
  keyOptions(
    target(da.command('challenge').description(`challenge the availability of one chunk of an IPFS batch on L1, with a bond from the key in ${USER_KEY_ENV}`))
      .argument('<batch>', 'batch index')
      .requiredOption('--chunk <i>', 'the chunk whose data could not be fetched', int('Chunk', 0))
      .option('--bond <eth>', "bond in ETH (default: the DaChallenge contract's minimum)"),
    USER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (batch: string, opts: DaChallengeOptions) => done(await daChallenge(batch, opts, ctx)));
  keyOptions(
    target(da.command('resolve').description('after the deadline of an unanswered challenge: remove the batch, slash the proposer, pay the challenger (anyone may)'))
      .argument('<batch>', 'batch index')
      .requiredOption('--chunk <i>', 'the challenged chunk', int('Chunk', 0)),
    USER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (batch: string, opts: DaResolveOptions) => done(await daResolve(batch, opts, ctx)));
}
