import type { CommandLike, PluginCommandContext, PluginCommands } from '@metis/core';
import type { DacAction, DacParams } from '@metis/sdk';
import {
  chainNow,
  collect,
  idArg,
  iso,
  output,
  parseWhen,
  readOptions,
  signingOptions,
  usage,
  withSession,
  withSigner,
  type CommonOptions,
  type Session,
  type SigningOptions,
} from './common.js';

/** Text of the DAC parameter options of `metis dac create`. */
interface ParamOptions {
  bond?: string;
  initialReputation?: string;
  reputationStep?: string;
  challengeWindow?: string;
  voteWindow?: string;
  executionDelay?: string;
  quorum?: string;
}

const PARAM_FLAGS: ReadonlyArray<[keyof ParamOptions, string, string]> = [
  ['bond', '--bond <eth>', 'least commitment bond, in ETH (default 0.1)'],
  ['initialReputation', '--initial-reputation <n>', 'reputation of the founder and of each member who joins (default 100)'],
  ['reputationStep', '--reputation-step <n>', 'reputation won or lost per commitment (default 10)'],
  ['challengeWindow', '--challenge-window <duration>', 'time to challenge a delivery: seconds or 90s, 30m, 12h, 1d (default 1d)'],
  ['voteWindow', '--vote-window <duration>', 'voting time on a challenge or a proposal (default 2d)'],
  ['executionDelay', '--execution-delay <duration>', 'time between the end of a vote and the execution of a proposal (default 1d)'],
  ['quorum', '--quorum <bps|pct%>', 'share of the total reputation that must vote on a proposal: basis points or a percentage (default 20%)'],
];

function paramsText(o: ParamOptions): Record<string, string> {
  const text: Record<string, string> = {};
  if (o.bond !== undefined) text.bondSize = o.bond;
  if (o.initialReputation !== undefined) text.initialReputation = o.initialReputation;
  if (o.reputationStep !== undefined) text.reputationStep = o.reputationStep;
  if (o.challengeWindow !== undefined) text.challengeWindow = o.challengeWindow;
  if (o.voteWindow !== undefined) text.voteWindow = o.voteWindow;
  if (o.executionDelay !== undefined) text.executionDelay = o.executionDelay;
  if (o.quorum !== undefined) text.quorumBps = o.quorum;
  return text;
}

const ETH = (s: Session, wei: bigint): string => `${s.sdk.formatAmount(wei, 18)} ETH`;

function describeParams(s: Session, p: DacParams): string {
  const f = s.sdk.formatDacParams(p);
  return `bond ${f.bondSize} ETH, reputation ${f.initialReputation} (step ${f.reputationStep}), challenge window ${f.challengeWindow}, vote window ${f.voteWindow}, execution delay ${f.executionDelay}, quorum ${f.quorumBps}`;
}

/** `name:rest` split at the first colon. */
function pair(text: string, what: string, shape: string): [string, string] {
  const i = text.indexOf(':');
  if (i <= 0 || i === text.length - 1) throw usage(`${what} must be ${shape}, got "${text}"`);
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

interface ProposeOptions extends SigningOptions {
  description: string;
  spend?: string[];
  grantAttribute?: string[];
  revokeAttribute?: string[];
  grantRole?: string[];
  revokeRole?: string[];
  setParams?: string[];
}

/** The actions of `metis dac propose`, built with the sdk's validated builders. */
async function proposalActionsOf(s: Session, dacId: bigint, o: ProposeOptions): Promise<DacAction[]> {
  const a = s.sdk.dacActions;
  const actions: DacAction[] = [];
  for (const text of o.spend ?? []) {
    const [to, rest] = pair(text, '--spend', '<to>:<amount>[:<token>]');
    const [amount, token] = rest.includes(':') ? pair(rest, '--spend', '<to>:<amount>[:<token>]') : [rest, undefined];
    actions.push(a.spend({ to, amount: s.sdk.parsePositiveAmount(amount, 18), ...(token ? { token } : {}) }));
  }
  for (const text of o.grantAttribute ?? []) {
    const [member, cid] = pair(text, '--grant-attribute', '<member>:<cid>');
    actions.push(a.grantAttribute({ member, cid }));
  }
  for (const text of o.revokeAttribute ?? []) {
    if (!/^\d+$/.test(text.trim())) throw usage(`--revoke-attribute must be an attribute id, got "${text}"`);
    actions.push(a.revokeAttribute({ tokenId: BigInt(text.trim()) }));
  }
  for (const text of o.grantRole ?? []) {
    const [account, role] = pair(text, '--grant-role', '<account>:<FOUNDER|INVITER>');
    actions.push(a.grantRole({ account, role }));
  }
  for (const text of o.revokeRole ?? []) {
    const [account, role] = pair(text, '--revoke-role', '<account>:<FOUNDER|INVITER>');
    actions.push(a.revokeRole({ account, role }));
  }
  if (o.setParams?.length) {
    const text: Record<string, string> = {};
    for (const kv of o.setParams) {
      for (const part of kv.split(',')) {
        const i = part.indexOf('=');
        if (i <= 0) throw usage(`--set-params takes key=value pairs (${s.sdk.DAC_PARAM_KEYS.join(', ')}), got "${part}"`);
        text[part.slice(0, i).trim()] = part.slice(i + 1).trim();
      }
    }
    const current = (await s.sdk.dacInfo(s.provider, dacId)).params;
    actions.push(a.setParams(s.sdk.parseDacParams(text, current)));
  }
  if (actions.length === 0) throw usage('a proposal needs at least one action: --spend, --grant-attribute, --revoke-attribute, --grant-role, --revoke-role or --set-params (token launches and mints: metis token launch | mint)');
  return actions;
}

/** Prints what a proposal needs next. */
export function proposalNextSteps(proposalId: bigint, voteEnd: bigint, executableAt: bigint): string[] {
  return [
    `  vote:    metis dac vote --proposal ${proposalId} --for   (until ${iso(voteEnd)})`,
    `  execute: metis dac execute ${proposalId}   (from ${iso(executableAt)}, if it passed)`,
  ];
}

/** `metis dac ...`: thin layers over the sdk's DAC helpers. */
export function registerDacCommands(program: CommandLike, ctx: PluginCommandContext): void {
  const dac = program
    .command('dac')
    .description('decentralized autonomous companies on the chain (the dac plugin): create, join, commit, vote, propose')
    .addHelpText('after', '\nKeys come from the environment (METIS_KEY, --key-env <NAME>) or a keystore (--keystore <file>, METIS_KEYSTORE_PASSWORD), never from the command line.');
  const done = (code = 0): void => ctx.exit(code);
  const id = (what: string) => idArg(ctx, what);

  // create
  const create = signingOptions(dac.command('create <name>').description('create a DAC: you are its founder and first member'))
    .requiredOption('--charter <cid>', "IPFS CID of the DAC's charter");
  for (const [, flags, description] of PARAM_FLAGS) create.option(flags, description);
  create.action(async (name: string, o: SigningOptions & ParamOptions & { charter: string }) => {
    await withSigner(o, ctx, async (s) => {
      const params = s.sdk.parseDacParams(paramsText(o));
      const r = await s.sdk.createDac(await s.wallet(), { name, charterCid: o.charter, params });
      output(ctx, o, { dacId: r.dacId, name, txHash: r.txHash, params: r.params }, () => [`Created DAC ${r.dacId} "${name}" (tx ${r.txHash})`, `  ${describeParams(s, r.params)}`]);
    });
    done();
  });

  signingOptions(dac.command('invite <dac> <account>').description('invite an account (you: a member with the FOUNDER or INVITER role)'))
    .action(async (ref: string, account: string, o: SigningOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const r = await s.sdk.inviteMember(await s.wallet(), { dacId, account });
        output(ctx, o, { dacId, account, txHash: r.txHash }, () => [`Invited ${account} to DAC ${dacId} (tx ${r.txHash}); they join with: metis dac join ${dacId}`]);
      });
      done();
    });

  signingOptions(dac.command('join <dac>').description('join a DAC you were invited to'))
    .action(async (ref: string, o: SigningOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const wallet = await s.wallet();
        const r = await s.sdk.joinDac(wallet, { dacId });
        output(ctx, o, { dacId, account: wallet.address, txHash: r.txHash }, () => [`${wallet.address} joined DAC ${dacId} (tx ${r.txHash})`]);
      });
      done();
    });

  signingOptions(dac.command('leave <dac>').description('leave a DAC (membership, roles and reputation are dropped)'))
    .action(async (ref: string, o: SigningOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const wallet = await s.wallet();
        const r = await s.sdk.leaveDac(wallet, { dacId });
        output(ctx, o, { dacId, account: wallet.address, txHash: r.txHash }, () => [`${wallet.address} left DAC ${dacId} (tx ${r.txHash})`]);
      });
      done();
    });

  // commitments
  signingOptions(dac.command('commit <dac>').description("commit to a deliverable by a deadline, with a bond (the DAC's bond size by default)"))
    .requiredOption('--description <cid>', 'IPFS CID describing the deliverable')
    .requiredOption('--deadline <when>', 'deadline: +<duration> from now on the chain (+1h, +2d), unix seconds or an ISO date')
    .option('--reward <amount>', "asked from the DAC's treasury if kept (ETH, or the DAC token with --token)", '0')
    .option('--bond <amount>', "bond (default: the DAC's bond size)")
    .option('--token', "bond in the DAC's token instead of ETH (approved first)")
    .action(async (ref: string, o: SigningOptions & { description: string; deadline: string; reward: string; bond?: string; token?: boolean }) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const deadline = parseWhen(o.deadline, await chainNow(s.provider), s.sdk.parseDuration);
        const r = await s.sdk.commit(await s.wallet(), {
          dacId,
          descriptionCid: o.description,
          deadline,
          reward: s.sdk.parseAmount(o.reward, 18),
          ...(o.bond === undefined ? {} : { bond: s.sdk.parsePositiveAmount(o.bond, 18) }),
          ...(o.token ? { token: true } : {}),
        });
        const unit = o.token ? 'tokens' : 'ETH';
        output(ctx, o, { dacId, commitmentId: r.commitmentId, bond: r.bond, token: r.token, deadline: r.deadline, txHash: r.txHash }, () => [
          `Commitment ${r.commitmentId} in DAC ${dacId}: bond ${s.sdk.formatAmount(r.bond, 18)} ${unit}, deadline ${iso(r.deadline)} (tx ${r.txHash})`,
          `  deliver with: metis dac deliver ${r.commitmentId} --deliverable <cid>`,
        ]);
      });
      done();
    });

  signingOptions(dac.command('deliver <commitment>').description('deliver your commitment: its challenge window opens'))
    .requiredOption('--deliverable <cid>', 'IPFS CID of what was delivered')
    .action(async (cid: string, o: SigningOptions & { deliverable: string }) => {
      const commitmentId = id('Commitment id')(cid);
      await withSigner(o, ctx, async (s) => {
        const r = await s.sdk.deliver(await s.wallet(), { commitmentId, deliverableCid: o.deliverable });
        output(ctx, o, { commitmentId, challengeEnd: r.challengeEnd, txHash: r.txHash }, () => [
          `Delivered commitment ${commitmentId} (tx ${r.txHash}); challenges until ${iso(r.challengeEnd)}, then: metis dac resolve ${commitmentId}`,
        ]);
      });
      done();
    });

  signingOptions(dac.command('challenge <commitment>').description("challenge a delivered commitment with a counter-bond equal to its bond: the members vote"))
    .action(async (cid: string, o: SigningOptions) => {
      const commitmentId = id('Commitment id')(cid);
      await withSigner(o, ctx, async (s) => {
        const r = (await s.sdk.challenge(await s.wallet(), { commitmentId })) as { txHash: string; voteEnd?: bigint; bond?: bigint };
        output(ctx, o, { commitmentId, txHash: r.txHash, ...(r.voteEnd === undefined ? {} : { voteEnd: r.voteEnd }) }, () => [
          `Challenged commitment ${commitmentId} (tx ${r.txHash})${r.voteEnd === undefined ? '' : `; members vote until ${iso(r.voteEnd)}`}: metis dac vote --commitment ${commitmentId} --kept | --failed`,
        ]);
      });
      done();
    });

  signingOptions(dac.command('vote').description('vote on a proposal (--proposal <id> --for | --against) or a challenged commitment (--commitment <id> --kept | --failed)'))
    .option('--proposal <id>', 'the proposal to vote on', id('Proposal id'))
    .option('--commitment <id>', 'the challenged commitment to vote on', id('Commitment id'))
    .option('--for', 'support the proposal')
    .option('--against', 'oppose the proposal')
    .option('--kept', 'the commitment was kept')
    .option('--failed', 'the commitment was not kept')
    .action(async (o: SigningOptions & { proposal?: bigint; commitment?: bigint; for?: boolean; against?: boolean; kept?: boolean; failed?: boolean }) => {
      if ((o.proposal === undefined) === (o.commitment === undefined)) throw usage('pass either --proposal <id> or --commitment <id>');
      if (o.proposal !== undefined && (Boolean(o.for) === Boolean(o.against) || o.kept || o.failed)) throw usage('a proposal vote takes --for or --against');
      if (o.commitment !== undefined && (Boolean(o.kept) === Boolean(o.failed) || o.for || o.against)) throw usage('a commitment vote takes --kept or --failed');
      await withSigner(o, ctx, async (s) => {
        const wallet = await s.wallet();
        if (o.proposal !== undefined) {
          const r = await s.sdk.voteOnProposal(wallet, { proposalId: o.proposal, support: Boolean(o.for) });
          output(ctx, o, { proposalId: o.proposal, support: Boolean(o.for), weight: r.weight, txHash: r.txHash }, () => [
            `Voted ${o.for ? 'for' : 'against'} proposal ${o.proposal} with weight ${r.weight} (tx ${r.txHash})`,
          ]);
        } else {
          const r = await s.sdk.voteOnCommitment(wallet, { commitmentId: o.commitment!, kept: Boolean(o.kept) });
          output(ctx, o, { commitmentId: o.commitment, kept: Boolean(o.kept), weight: r.weight, txHash: r.txHash }, () => [
            `Voted ${o.kept ? 'kept' : 'failed'} on commitment ${o.commitment} with weight ${r.weight} (tx ${r.txHash})`,
          ]);
        }
      });
      done();
    });

  signingOptions(dac.command('resolve <commitment>').description('resolve a commitment after its challenge window (or its vote): bonds, reward and reputation are settled'))
    .action(async (cid: string, o: SigningOptions) => {
      const commitmentId = id('Commitment id')(cid);
      await withSigner(o, ctx, async (s) => {
        const r = (await s.sdk.resolveCommitment(await s.wallet(), { commitmentId })) as { txHash: string; kept?: boolean; winner?: string; reward?: bigint };
        output(ctx, o, { commitmentId, ...r, receipt: undefined }, () => [
          `Resolved commitment ${commitmentId}: ${r.kept === undefined ? 'done' : r.kept ? 'kept' : 'failed'}${r.winner ? `, ${r.winner} wins the bond` : ''} (tx ${r.txHash}); withdraw what you are owed with: metis dac withdraw`,
        ]);
      });
      done();
    });

  signingOptions(dac.command('slash <commitment>').description('slash a commitment that was not delivered by its deadline (anyone)'))
    .action(async (cid: string, o: SigningOptions) => {
      const commitmentId = id('Commitment id')(cid);
      await withSigner(o, ctx, async (s) => {
        const r = await s.sdk.slashCommitment(await s.wallet(), { commitmentId });
        output(ctx, o, { commitmentId, bond: r.bond, txHash: r.txHash }, () => [`Slashed commitment ${commitmentId}: its bond of ${ETH(s, r.bond)} goes to the treasury (tx ${r.txHash})`]);
      });
      done();
    });

  signingOptions(dac.command('withdraw').description('withdraw what you are owed (returned and won bonds, rewards, spends)'))
    .option('--token <address>', 'a token instead of ETH')
    .action(async (o: SigningOptions & { token?: string }) => {
      await withSigner(o, ctx, async (s) => {
        const r = await s.sdk.withdrawOwed(await s.wallet(), o.token ? { token: o.token } : {});
        output(ctx, o, { total: r.total, withdrawals: r.withdrawals.map((w) => ({ ...w, receipt: undefined })) }, () =>
          r.total === 0n ? ['Nothing is owed to you.'] : [`Withdrew ${s.sdk.formatAmount(r.total, 18)} ${o.token ? 'tokens' : 'ETH'}`],
        );
      });
      done();
    });

  // proposals
  signingOptions(dac.command('propose <dac>').description('propose actions to the DAC; members vote, then anyone executes'))
    .requiredOption('--description <cid>', 'IPFS CID describing the proposal')
    .option('--spend <to:amount[:token]>', 'pay from the treasury (ETH unless a token address is given); repeatable', collect)
    .option('--grant-attribute <member:cid>', 'grant a soulbound attribute; repeatable', collect)
    .option('--revoke-attribute <id>', 'revoke an attribute; repeatable', collect)
    .option('--grant-role <account:role>', 'grant FOUNDER or INVITER; repeatable', collect)
    .option('--revoke-role <account:role>', 'revoke a role; repeatable', collect)
    .option('--set-params <key=value,...>', 'change parameters (bondSize, initialReputation, reputationStep, challengeWindow, voteWindow, executionDelay, quorumBps)', collect)
    .action(async (ref: string, o: ProposeOptions) => {
      await withSigner(o, ctx, async (s) => {
        const dacId = await s.sdk.resolveDacId(s.provider, ref);
        const actions = await proposalActionsOf(s, dacId, o);
        const r = await s.sdk.propose(await s.wallet(), { dacId, actions, descriptionCid: o.description });
        output(ctx, o, { dacId, proposalId: r.proposalId, voteEnd: r.voteEnd, executableAt: r.executableAt, quorum: r.quorum, txHash: r.txHash }, () => [
          `Proposal ${r.proposalId} in DAC ${dacId} (${actions.length} action${actions.length === 1 ? '' : 's'}, tx ${r.txHash})`,
          ...proposalNextSteps(r.proposalId, r.voteEnd, r.executableAt),
        ]);
      });
      done();
    });

  signingOptions(dac.command('execute <proposal>').description('execute a proposal that passed, after its execution delay (anyone)'))
    .action(async (pid: string, o: SigningOptions) => {
      const proposalId = id('Proposal id')(pid);
      await withSigner(o, ctx, async (s) => {
        const r = await s.sdk.executeProposal(await s.wallet(), { proposalId });
        output(ctx, o, { proposalId, actions: r.actions.length, txHash: r.txHash }, () => [`Executed proposal ${proposalId} (${r.actions.length} action${r.actions.length === 1 ? '' : 's'}, tx ${r.txHash})`]);
      });
      done();
    });

  // views
  readOptions(dac.command('info [dac]').description('show a DAC (by id or name), one of its commitments or proposals, or its open commitments'))
    .option('--commitment <id>', 'show this commitment', id('Commitment id'))
    .option('--proposal <id>', 'show this proposal', id('Proposal id'))
    .option('--open', 'list the open commitments of the DAC')
    .action(async (ref: string | undefined, o: CommonOptions & { commitment?: bigint; proposal?: bigint; open?: boolean }) => {
      const asked = [ref !== undefined && !o.open, o.commitment !== undefined, o.proposal !== undefined, Boolean(o.open)].filter(Boolean).length;
      if (asked !== 1) throw usage('show one thing: a <dac>, --commitment <id>, --proposal <id>, or <dac> --open');
      if (o.open && ref === undefined) throw usage('--open lists the commitments of a <dac>');
      await withSession(o, ctx, async (s) => {
        if (o.commitment !== undefined) {
          const c = await s.sdk.commitmentInfo(s.provider, o.commitment);
          output(ctx, o, c, () => commitmentLines(s, c));
        } else if (o.proposal !== undefined) {
          const p = await s.sdk.proposalInfo(s.provider, o.proposal);
          output(ctx, o, p, () => [
            `Proposal ${p.id} of DAC ${p.dacId}: ${p.state}`,
            `  by ${p.proposer}; description ${p.descriptionCid}`,
            `  votes for ${p.forVotes}, against ${p.againstVotes}, quorum ${p.quorum}; vote until ${iso(p.voteEnd)}, executable from ${iso(p.executableAt)}`,
            ...(p.actions ?? []).map((a, i) => `  action ${i + 1}: ${JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`),
          ]);
        } else if (o.open) {
          const dacId = await s.sdk.resolveDacId(s.provider, ref!);
          const list = await s.sdk.openCommitments(s.provider, dacId);
          output(ctx, o, { dacId, commitments: list }, () => (list.length === 0 ? [`DAC ${dacId} has no open commitments.`] : list.flatMap((c) => commitmentLines(s, c))));
        } else {
          const d = await s.sdk.dacInfo(s.provider, ref!);
          output(ctx, o, d, () => [
            `DAC ${d.id} "${d.name}", founded by ${d.founder} on ${iso(d.createdAt)}`,
            `  charter ${d.charterCid}`,
            `  ${describeParams(s, d.params)}`,
            `  treasury ${ETH(s, d.treasury.eth)}${d.treasury.token === undefined ? '' : `, ${s.sdk.formatAmount(d.treasury.token, 18)} of its token`}`,
            `  token ${d.token ?? 'none (metis token launch)'}`,
            `  ${d.memberCount} member${d.memberCount === 1n ? '' : 's'}, total reputation ${d.totalReputation}:`,
            ...d.members.map(
              (m) =>
                `    ${m.address}  reputation ${m.reputation}${m.roles.length ? `  [${m.roles.join(', ')}]` : ''}${m.attributes.length ? `  attributes ${m.attributes.map((a) => `#${a.tokenId} ${a.cid}`).join(', ')}` : ''}`,
            ),
          ]);
        }
      });
      done();
    });
}

function commitmentLines(s: Session, c: Awaited<ReturnType<Session['sdk']['commitmentInfo']>>): string[] {
  const eth = c.token === '0x0000000000000000000000000000000000000000';
  return [
    `Commitment ${c.id} of DAC ${c.dacId}: ${c.status}`,
    `  by ${c.member}; description ${c.descriptionCid}${c.deliverableCid ? `; delivered ${c.deliverableCid}` : ''}`,
    `  bond ${s.sdk.formatAmount(c.bond, 18)} ${eth ? 'ETH' : `of ${c.token}`}, reward ${s.sdk.formatAmount(c.reward, 18)}; deadline ${iso(c.deadline)}${c.challengeEnd ? `, challenges until ${iso(c.challengeEnd)}` : ''}`,
    ...(c.challenger ? [`  challenged by ${c.challenger}: kept ${c.votesKept}, failed ${c.votesFailed}, vote until ${iso(c.voteEnd)}`] : []),
  ];
}

export const dacCommands: PluginCommands = { register: registerDacCommands };
