import { Command, InvalidArgumentError, Option } from 'commander';
import { getAddress } from 'ethers';
import type { CommandContext } from './context.js';
import { DEFAULT_DEPLOYMENT_FILE, DEFAULT_UNBONDING_DELAY, DEPLOYER_KEY_ENV, deploy, type DeployCommandOptions } from './deploy.js';
import { USER_KEY_ENV, deposit, type DepositCommandOptions } from './deposit.js';
import { KEYSTORE_PASSWORD_ENV } from './signer.js';
import { withdraw, type WithdrawCommandOptions } from './withdraw.js';
import { withdrawals, type WithdrawalsCommandOptions } from './withdrawals.js';

/** The bridge commands' implementations (tests replace them to check option parsing). */
export interface BridgeHandlers {
  deploy(options: DeployCommandOptions, ctx: CommandContext): Promise<number>;
  deposit(options: DepositCommandOptions, ctx: CommandContext): Promise<number>;
  withdraw(options: WithdrawCommandOptions, ctx: CommandContext): Promise<number>;
  withdrawals(options: WithdrawalsCommandOptions, ctx: CommandContext): Promise<number>;
}

export const bridgeHandlers: BridgeHandlers = { deploy, deposit, withdraw, withdrawals };

export const url =
  (what: string) =>
  (value: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(value.trim());
    } catch {
      throw new InvalidArgumentError(`${what} must be an http(s) URL such as http://127.0.0.1:8545.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError(`${what} must be an http(s) URL such as http://127.0.0.1:8545.`);
    return value.trim();
  };

export const int =
  (what: string, min: number) =>
  (value: string): number => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer of at least ${min}.`);
    return n;
  };

const amount = (value: string): string => {
  const v = value.trim();
  if (!/^\d+(\.\d+)?$/.test(v) || /^0+(\.0+)?$/.test(v)) throw new InvalidArgumentError('Amount must be a positive decimal, such as 1, 0.5 or 250.75 (ETH, or units of the token).');
  return v;
};

const address = (what: string) => (value: string): string => {
  try {
    return getAddress(value.trim());
  } catch {
    throw new InvalidArgumentError(`${what} must be an address (0x and 40 hex digits, with a correct checksum if mixed-case).`);
  }
};

/** --key-env and --keystore, for commands that sign. */
export function keyOptions(command: Command, defaultEnv: string): Command {
  return command
    .addOption(new Option('--key-env <name>', `environment variable holding the private key (default: ${defaultEnv})`).conflicts('keystore'))
    .addOption(new Option('--keystore <file>', `encrypted JSON keystore instead, unlocked with the password in ${KEYSTORE_PASSWORD_ENV}`));
}

export const jsonOption = (): Option => new Option('--json', 'print one JSON object instead of text (bigints as decimal strings)');

/**
 * Registers `deploy`, `deposit`, `withdraw` and `withdrawals` on the `metis` program. Keys are never
 * taken on the command line: from an environment variable, or a keystore.
 */
export function registerBridgeCommands(program: Command, handlers: BridgeHandlers, ctx: CommandContext, done: (code: number) => void): void {
  keyOptions(
    program
      .command('deploy')
      .description(`deploy the Metis L1 contracts with the key in ${DEPLOYER_KEY_ENV} and write the deployment file that l1({ contracts }) reads`)
      .requiredOption('--l1 <url>', 'L1 JSON-RPC URL', url('--l1'))
      .option('-o, --out <file>', 'deployment file to write (refused if it exists, unless --force)', DEFAULT_DEPLOYMENT_FILE)
      .option('--unbonding-delay <s>', 'BondManager unbonding delay in seconds: at least the longest challenge window of the chains it serves', int('Unbonding delay', 0), DEFAULT_UNBONDING_DELAY)
      .option('-f, --force', 'overwrite an existing deployment file'),
    DEPLOYER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (opts: DeployCommandOptions) => done(await handlers.deploy(opts, ctx)));

  keyOptions(
    program
      .command('deposit')
      .description(`deposit ETH (or an L1 ERC-20 with --token) from the key in ${USER_KEY_ENV} into an L2 chain`)
      .requiredOption('--l1 <url>', 'L1 JSON-RPC URL', url('--l1'))
      .requiredOption('--contracts <file>', 'the deployment file (metis deploy; metis dev writes <data dir>/l1-deployment.json)')
      .option('--chain-id <id>', 'the L2 chain id (default: read from --rpc)', int('Chain id', 1))
      .requiredOption('--amount <amount>', 'how much, in ETH or in units of the token (its decimals are read from L1)', amount)
      .option('--token <address>', 'an L1 ERC-20 to deposit instead of ETH (the Bridge is approved first when needed)', address('--token'))
      .option('--to <address>', 'the L2 recipient (default: the depositor)', address('--to'))
      .option('--rpc <url>', 'L2 JSON-RPC URL: checks --chain-id and lets --wait watch the L2', url('--rpc'))
      .option('--wait', 'wait until the L2 has credited the deposit (needs --rpc)')
      .option('--timeout <s>', 'seconds --wait waits', int('Timeout', 1), 120),
    USER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (opts: DepositCommandOptions) => done(await handlers.deposit(opts, ctx)));

  keyOptions(
    program
      .command('withdraw')
      .description(`start a withdrawal of ETH (or a token with --token) from the key in ${USER_KEY_ENV} to L1`)
      .requiredOption('--rpc <url>', 'L2 JSON-RPC URL', url('--rpc'))
      .requiredOption('--amount <amount>', 'how much, in ETH or in units of the token', amount)
      .option('--token <address>', 'the L2 token to withdraw instead of ETH: a bridged token, or an L2-native token registered on L1', address('--token'))
      .option('--to <address>', 'the L1 recipient (default: the withdrawer)', address('--to')),
    USER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (opts: WithdrawCommandOptions) => done(await handlers.withdraw(opts, ctx)));

  keyOptions(
    program
      .command('withdrawals')
      .description('list the withdrawals of an address with their status (unsafe, safe, finalizable, finalized); --finalize pays the finalizable ones on L1')
      .requiredOption('--rpc <url>', 'L2 JSON-RPC URL', url('--rpc'))
      .requiredOption('--l1 <url>', 'L1 JSON-RPC URL', url('--l1'))
      .requiredOption('--contracts <file>', 'the deployment file')
      .option('--chain-id <id>', 'the L2 chain id (default: read from --rpc; must match it)', int('Chain id', 1))
      .option('--address <address>', `whose withdrawals (default: the address of the key in ${USER_KEY_ENV})`, address('--address'))
      .option('--finalize', `finalize every finalizable withdrawal on L1, paid by the key in ${USER_KEY_ENV}`)
      .option('--from-block <n>', 'first L2 block to search', int('From block', 0), 0),
    USER_KEY_ENV,
  )
    .addOption(jsonOption())
    .action(async (opts: WithdrawalsCommandOptions) => done(await handlers.withdrawals(opts, ctx)));
}
