import type { CommandLike, PluginCommandContext, PluginCommands } from '@metis/core';
import { chainNow, collect, iso, output, parseWhen, proposalNextSteps, readOptions, signingOptions, usage, withSession, withSigner, type CommonOptions, type Session, type SigningOptions } from '@metis/dac';

interface LaunchOptions extends SigningOptions {
  name: string;
  symbol: string;
  cap: string;
  holder?: string[];
  vest?: string[];
  description?: string;
}

interface MintOptions extends SigningOptions {
  to: string;
  amount: string;
  description?: string;
}

/** `<a>:<b>:...` with exactly `n` parts. */
function parts(text: string, n: number, what: string, shape: string): string[] {
  const p = text.split(':').map((s) => s.trim());
  if (p.length !== n || p.some((s) => s === '')) throw usage(`${what} must be ${shape}, got "${text}"`);
  return p;
}

async function launchAction(s: Session, o: LaunchOptions) {
  const amount = (v: string): bigint => s.sdk.parsePositiveAmount(v, 18);
  const holders: string[] = [];
  const amounts: bigint[] = [];
  for (const h of o.holder ?? []) {
    const [account, value] = parts(h, 2, '--holder', '<address>:<amount>');
    holders.push(account!);
    amounts.push(amount(value!));
  }
  const now = o.vest?.length ? await chainNow(s.provider) : 0n;
  const vesting = (o.vest ?? []).map((v) => {
    const [beneficiary, value, start, duration] = parts(v, 4, '--vest', '<beneficiary>:<amount>:<start>:<duration> (start: +1d, unix seconds or an ISO date without colons; duration: 365d)');
    return { beneficiary: beneficiary!, amount: amount(value!), start: parseWhen(start!, now, s.sdk.parseDuration), duration: s.sdk.parseDuration(duration!) };
  });
  return s.sdk.dacActions.launchToken({ name: o.name, symbol: o.symbol, cap: amount(o.cap), holders, amounts, vesting });
}

/** `metis token launch | mint | info`: launches and mints go through a DAC proposal (vote, then execute). */
export function registerTokenCommands(program: CommandLike, ctx: PluginCommandContext): void {
  const token = program
    .command('token')
    .description("a DAC's token (the token plugin): launch and mint by proposal, show it")
    .addHelpText('after', '\nA launch or a mint is a DAC proposal: members vote on it (metis dac vote --proposal <id> --for), then anyone executes it (metis dac execute <id>).');

  signingOptions(token.command('launch <dac>').description("propose to launch the DAC's token (a capped ERC-20 with votes; once per DAC) and print the proposal id"))
    .requiredOption('--name <name>', 'token name')
    .requiredOption('--symbol <symbol>', 'token symbol')
    .requiredOption('--cap <amount>', 'most tokens that can ever exist (whole tokens, 18 decimals)')
    .option('--holder <address:amount>', 'mint to this holder at the launch; repeatable', collect)
    .option('--vest <beneficiary:amount:start:duration>', 'a vesting wallet releasing amount linearly from start over duration; repeatable', collect)
    .option('--description <cid>', 'IPFS CID describing the proposal (default: a short text naming the token)')
    .action(async (ref: string, o: LaunchOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const action = await launchAction(s, o);
        const descriptionCid = o.description ?? `launch token ${o.symbol}`;
        const r = await s.sdk.propose(await s.wallet(), { dacId, actions: [action], descriptionCid });
        output(ctx, o, { dacId, proposalId: r.proposalId, voteEnd: r.voteEnd, executableAt: r.executableAt, txHash: r.txHash }, () => [
          `Proposal ${r.proposalId}: launch ${o.name} (${o.symbol}) for DAC ${dacId} (tx ${r.txHash})`,
          ...proposalNextSteps(r.proposalId, r.voteEnd, r.executableAt),
        ]);
      });
      ctx.exit(0);
    });

  signingOptions(token.command('mint <dac>').description("propose to mint the DAC's token (launched before) to an account, within its cap"))
    .requiredOption('--to <address>', 'who receives the tokens')
    .requiredOption('--amount <amount>', 'whole tokens (18 decimals)')
    .option('--description <cid>', 'IPFS CID describing the proposal (default: a short text)')
    .action(async (ref: string, o: MintOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const amount = s.sdk.parsePositiveAmount(o.amount, 18);
        const action = s.sdk.dacActions.mintToken({ to: o.to, amount });
        const r = await s.sdk.propose(await s.wallet(), { dacId, actions: [action], descriptionCid: o.description ?? `mint ${o.amount} to ${o.to}` });
        output(ctx, o, { dacId, proposalId: r.proposalId, voteEnd: r.voteEnd, executableAt: r.executableAt, txHash: r.txHash }, () => [
          `Proposal ${r.proposalId}: mint ${o.amount} of DAC ${dacId}'s token to ${o.to} (tx ${r.txHash})`,
          ...proposalNextSteps(r.proposalId, r.voteEnd, r.executableAt),
        ]);
      });
      ctx.exit(0);
    });

  readOptions(token.command('info <dac>').description("show the DAC's token: metadata, cap, supply, vesting wallets"))
    .action(async (ref: string, o: CommonOptions) => {
      await withSession(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const t = await s.sdk.dacTokenInfo(s.provider, dacId);
        const f = (v: bigint): string => s.sdk.formatAmount(v, t?.decimals ?? 18);
        output(ctx, o, t ?? { dacId, token: null }, () =>
          t
            ? [
                `DAC ${dacId} token ${t.name} (${t.symbol}) at ${t.address}`,
                `  supply ${f(t.totalSupply)} of cap ${f(t.cap)}`,
                ...t.vestingWallets.map((w) => `  vesting ${w.address} for ${w.beneficiary}: ${f(w.amount)} from ${iso(w.start)} over ${s.sdk.formatDuration(w.duration)} (released ${f(w.released)}, releasable ${f(w.releasable)})`),
              ]
            : [`DAC ${dacId} has no token yet: metis token launch ${dacId} --name <name> --symbol <symbol> --cap <amount>`],
        );
      });
      ctx.exit(0);
    });
}

export const tokenCommands: PluginCommands = { register: registerTokenCommands };
