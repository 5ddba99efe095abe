import type { Hex, RpcNamespace } from '@metis/core';
import { MetisError } from '@metis/core';
import type { DacOptions } from './options.js';
import { addressParam, arity, countParam, dacRefParam, idParam, oneOf, optionsParam, q } from './params.js';
import {
  COMMITMENT_FILTERS,
  PROPOSAL_STATES,
  matchesFilter,
  type CommitmentView,
  type DacParamsView,
  type DacViews,
  type MemberView,
  type ProposalView,
} from './views.js';

/** What the namespace needs: the views over EVM_CALL and the head's timestamp (for proposal states). */
export interface DacRpcDeps {
  readonly views: DacViews;
  readonly now: () => bigint;
  readonly options: DacOptions;
}

export const formatParams = (p: DacParamsView) => ({
  bondSize: q(p.bondSize),
  initialReputation: q(p.initialReputation),
  reputationStep: q(p.reputationStep),
  challengeWindow: q(p.challengeWindow),
  voteWindow: q(p.voteWindow),
  executionDelay: q(p.executionDelay),
  quorumBps: p.quorumBps,
});

export const formatMember = (m: MemberView) => ({
  address: m.address,
  reputation: q(m.reputation),
  attributeCount: m.attributeCount,
  attributes: m.attributes.map((a) => ({ tokenId: q(a.tokenId), cid: a.cid })),
});

export const formatCommitment = (c: CommitmentView) => ({
  id: q(c.id),
  dacId: q(c.dacId),
  member: c.member,
  token: c.token,
  bond: q(c.bond),
  reward: q(c.reward),
  deadline: q(c.deadline),
  challengeEnd: q(c.challengeEnd),
  voteEnd: q(c.voteEnd),
  snapshot: q(c.snapshot),
  challenger: c.challenger,
  status: c.status,
  votesKept: q(c.votesKept),
  votesFailed: q(c.votesFailed),
  descriptionCid: c.descriptionCid,
  deliverableCid: c.deliverableCid,
});

export const formatProposal = (p: ProposalView) => ({
  id: q(p.id),
  dacId: q(p.dacId),
  proposer: p.proposer,
  snapshot: q(p.snapshot),
  voteEnd: q(p.voteEnd),
  executableAt: q(p.executableAt),
  executed: p.executed,
  forVotes: q(p.forVotes),
  againstVotes: q(p.againstVotes),
  quorum: q(p.quorum),
  actionsHash: p.actionsHash,
  descriptionCid: p.descriptionCid,
  state: p.state,
});

/** Pages of a list of `total` items: `offset` and `limit` (default and maximum from the options). */
function page(o: Record<string, unknown>, options: DacOptions, prefix = ''): { offset: number; limit: number } {
  const offset = countParam(o[`${prefix}offset`] ?? o[`${prefix}Offset`], `${prefix || ''}offset`, 0, Number.MAX_SAFE_INTEGER, 0);
  const limit = countParam(o[`${prefix}limit`] ?? o[`${prefix}Limit`], `${prefix || ''}limit`, 1, options.maxPageSize, options.defaultPageSize);
  return { offset, limit };
}

/** Members `offset..offset+limit` of a DAC, each with reputation and attributes. */
async function membersPage(deps: DacRpcDeps, dacId: bigint, offset: number, limit: number) {
  const all = await deps.views.memberAddresses(dacId);
  const slice = all.slice(offset, offset + limit);
  const members = await Promise.all(slice.map((a) => deps.views.member(dacId, a, deps.options.maxAttributesPerMember)));
  return { total: all.length, offset, limit, members: members.map(formatMember) };
}

/**
 * Walks ids downwards from `before - 1` (default: the newest), at most `maxScan` of them, keeping up to `limit`
 * that `keep` returns; `next` is the `before` that continues the walk, null once id 1 was looked at.
 */
async function scanDown<T>(count: bigint, before: bigint | undefined, limit: number, maxScan: number, get: (id: bigint) => Promise<T | undefined>): Promise<{ items: T[]; next: bigint | null; scanned: number }> {
  const items: T[] = [];
  let id = (before === undefined || before > count + 1n ? count + 1n : before) - 1n;
  let scanned = 0;
  while (id >= 1n && items.length < limit && scanned < maxScan) {
    // Small parallel windows: each is one call at the head.
    const window = Math.min(8, maxScan - scanned, Number(id));
    const ids = Array.from({ length: window }, (_, i) => id - BigInt(i));
    const got = await Promise.all(ids.map(get));
    for (const g of got) {
      scanned++;
      id--;
      if (g !== undefined) {
        items.push(g);
        if (items.length === limit) break;
      }
    }
  }
  return { items, next: id >= 1n ? id + 1n : null, scanned };
}

/**
 * The `metis_dac*` methods: read-only views of the DAC predeploys at the committed head. Amounts, ids and
 * times are JSON-RPC quantities (0x hex), addresses lower-case, absent addresses null.
 */
export function dacNamespace(deps: DacRpcDeps): RpcNamespace {
  const { views, options } = deps;
  return {
    methods: {
      metis_dacList: async (params) => {
        arity(params, 0, 1, 'metis_dacList');
        const o = optionsParam(params[0], 'options', ['offset', 'limit']);
        const { offset, limit } = page(o, options);
        const total = await views.dacCount();
        const ids: bigint[] = [];
        for (let id = BigInt(offset) + 1n; id <= total && ids.length < limit; id++) ids.push(id);
        const dacs = await Promise.all(
          ids.map(async (id) => {
            const [info, memberCount] = await Promise.all([views.info(id), views.memberCount(id)]);
            return { dacId: q(id), name: info.name, charterCid: info.charterCid, founder: info.founder, createdAt: q(info.createdAt), memberCount: q(memberCount) };
          }),
        );
        return { total: q(total), offset, limit, dacs };
      },

      metis_dacInfo: async (params) => {
        arity(params, 1, 2, 'metis_dacInfo');
        const dacId = await views.resolveDac(dacRefParam(params[0]));
        const o = optionsParam(params[1], 'options', ['memberOffset', 'memberLimit']);
        const { offset, limit } = page(o, options, 'member');
        const [info, p, members, totalReputation, eth, token] = await Promise.all([
          views.info(dacId),
          views.params(dacId),
          membersPage(deps, dacId, offset, limit),
          views.totalReputation(dacId),
          views.treasuryBalance(dacId, null),
          views.dacToken(dacId),
        ]);
        const treasury = [{ token: null as Hex | null, balance: q(eth) }];
        if (token) treasury.push({ token, balance: q(await views.treasuryBalance(dacId, token)) });
        return {
          dacId: q(dacId),
          name: info.name,
          charterCid: info.charterCid,
          founder: info.founder,
          createdAt: q(info.createdAt),
          params: formatParams(p),
          memberCount: members.total,
          membersOffset: members.offset,
          members: members.members,
          totalReputation: q(totalReputation),
          treasury,
          token,
        };
      },

      metis_dacMembers: async (params) => {
        arity(params, 1, 2, 'metis_dacMembers');
        const dacId = await views.resolveDac(dacRefParam(params[0]));
        const { offset, limit } = page(optionsParam(params[1], 'options', ['offset', 'limit']), options);
        return { dacId: q(dacId), ...(await membersPage(deps, dacId, offset, limit)) };
      },

      metis_dacReputation: async (params) => {
        arity(params, 2, 2, 'metis_dacReputation');
        const ref = dacRefParam(params[0]);
        const account = addressParam(params[1], 'account');
        const dacId = await views.resolveDac(ref);
        const [member, invited, reputation, totalReputation] = await Promise.all([
          views.isMember(dacId, account),
          views.isInvited(dacId, account),
          views.reputationOf(dacId, account),
          views.totalReputation(dacId),
        ]);
        return { dacId: q(dacId), account, member, invited, reputation: q(reputation), totalReputation: q(totalReputation) };
      },

      metis_dacCommitments: async (params) => {
        arity(params, 1, 2, 'metis_dacCommitments');
        const ref = dacRefParam(params[0]);
        const o = optionsParam(params[1], 'options', ['status', 'member', 'before', 'limit']);
        const status = oneOf(o.status, 'status', COMMITMENT_FILTERS);
        const member = o.member === undefined || o.member === null ? undefined : addressParam(o.member, 'member');
        const before = o.before === undefined || o.before === null ? undefined : idParam(o.before, 'before');
        const limit = countParam(o.limit, 'limit', 1, options.maxPageSize, options.defaultPageSize);
        const dacId = await views.resolveDac(ref);
        const count = await views.commitmentCount();
        const { items, next, scanned } = await scanDown(count, before, limit, options.maxScan, async (id) => {
          const c = await views.commitment(id);
          return c && c.dacId === dacId && matchesFilter(c.status, status) && (member === undefined || c.member === member) ? c : undefined;
        });
        return { dacId: q(dacId), commitments: items.map(formatCommitment), next: next === null ? null : q(next), scanned };
      },

      metis_dacCommitment: async (params) => {
        arity(params, 1, 1, 'metis_dacCommitment');
        const id = idParam(params[0], 'commitment id');
        const c = await views.commitment(id);
        if (!c) throw new MetisError('DAC_COMMITMENT_NOT_FOUND', { id: id.toString() });
        return formatCommitment(c);
      },

      metis_dacProposals: async (params) => {
        arity(params, 1, 2, 'metis_dacProposals');
        const ref = dacRefParam(params[0]);
        const o = optionsParam(params[1], 'options', ['state', 'before', 'limit']);
        const state = oneOf(o.state, 'state', PROPOSAL_STATES);
        const before = o.before === undefined || o.before === null ? undefined : idParam(o.before, 'before');
        const limit = countParam(o.limit, 'limit', 1, options.maxPageSize, options.defaultPageSize);
        const dacId = await views.resolveDac(ref);
        const count = await views.proposalCount();
        const now = deps.now();
        const { items, next, scanned } = await scanDown(count, before, limit, options.maxScan, async (id) => {
          const p = await views.proposal(id, now);
          return p && p.dacId === dacId && (state === undefined || p.state === state) ? p : undefined;
        });
        return { dacId: q(dacId), proposals: items.map(formatProposal), next: next === null ? null : q(next), scanned };
      },

      metis_dacProposal: async (params) => {
        arity(params, 1, 1, 'metis_dacProposal');
        const id = idParam(params[0], 'proposal id');
        const p = await views.proposal(id, deps.now());
        if (!p) throw new MetisError('DAC_PROPOSAL_NOT_FOUND', { id: id.toString() });
        return formatProposal(p);
      },
    },
  };
}
