import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, type MetisNode } from '@metis/core';
import { evm } from '@metis/evm';
import { mempool } from '@metis/mempool';
import { rpc, RPC_SERVER } from '@metis/rpc';
import { sequencer } from '@metis/sequencer';
import { localSettlement } from '@metis/settlement-local';
import { token } from '@metis/token';
// The CLI as the binary runs it (a relative import: @metis/cli depends on this package).
import { memoryIo } from '../../../packages/cli/src/io.js';
import { run } from '../../../packages/cli/src/main.js';
import { contractInterface, DAC_PREDEPLOYS } from '../src/contracts.js';
import { dac } from '../src/plugin.js';

const ETH = 10n ** 18n;
// Dev accounts 0 and 1 (anvil/Hardhat): public keys, tests only.
const KEYS = ['0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'];
const ADDRS = ['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'];
// 200 ms blocks with whole-second timestamps: chain time runs 5 s per second, so windows pass quickly.
const BLOCK_MS = 200;

let node: MetisNode;
let dir: string;
let url: string;

async function call(method: string, ...params: unknown[]): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: any } };
  if (body.error) throw Object.assign(new Error(body.error.message), body.error);
  return body.result;
}

async function cli(args: string[], key = 0): Promise<{ code: number; out: string; err: string; json: any }> {
  const io = memoryIo();
  const code = await run([...args, '--rpc', url, '--key-env', `DAC_TEST_KEY_${key}`], { io, plugins: [dac(), token()] });
  const out = io.stdout();
  let json: any;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err: io.stderr(), json };
}

async function readOnly(args: string[]): Promise<{ code: number; out: string; err: string; json: any }> {
  const io = memoryIo();
  const code = await run([...args, '--rpc', url], { io, plugins: [dac(), token()] });
  let json: any;
  try {
    json = JSON.parse(io.stdout());
  } catch {
    json = undefined;
  }
  return { code, out: io.stdout(), err: io.stderr(), json };
}

/** Waits until the head's timestamp reaches `t` (unix seconds). */
async function untilChainTime(t: bigint): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const head = (await call('eth_getBlockByNumber', 'latest', false)) as { timestamp: string };
    if (BigInt(head.timestamp) >= t) return;
    await new Promise((r) => setTimeout(r, BLOCK_MS));
  }
  throw new Error(`chain time never reached ${t}`);
}

beforeAll(async () => {
  process.env.DAC_TEST_KEY_0 = KEYS[0];
  process.env.DAC_TEST_KEY_1 = KEYS[1];
  dir = await mkdtemp(join(tmpdir(), 'metis-dac-'));
  node = await createNode({
    chainId: 1337,
    dataDir: dir,
    logLevel: 'silent',
    plugins: [
      evm({ genesis: { alloc: { [ADDRS[0]!]: { balance: 1000n * ETH }, [ADDRS[1]!]: { balance: 1000n * ETH } } } }),
      mempool(),
      sequencer({ blockTime: BLOCK_MS }),
      localSettlement(),
      rpc({ host: '127.0.0.1', port: 0 }),
      dac(),
      token(),
    ],
  });
  await node.start();
  url = node.container.resolve(RPC_SERVER).httpUrl;
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the dac and token plugins on a node (RPC views and CLI commands)', () => {
  it('an empty chain: no DACs; bad params are coded errors', async () => {
    expect(await call('metis_dacList')).toEqual({ total: '0x0', offset: 0, limit: 20, dacs: [] });
    await expect(call('metis_dacInfo', 'nope')).rejects.toMatchObject({ code: -32001, data: { metisCode: 'METIS-1002' } });
    await expect(call('metis_dacInfo', 7)).rejects.toMatchObject({ code: -32001 });
    await expect(call('metis_dacInfo')).rejects.toMatchObject({ code: -32602, data: { metisCode: 'METIS-1001' } });
    await expect(call('metis_dacList', { limit: 1000 })).rejects.toMatchObject({ code: -32602, data: { metisCode: 'METIS-1001' } });
    await expect(call('metis_dacReputation', 1, '0x12')).rejects.toMatchObject({ code: -32602 });
    await expect(call('metis_dacCommitment', 1)).rejects.toMatchObject({ code: -32001, data: { metisCode: 'METIS-1003' } });
    await expect(call('metis_dacProposal', 1)).rejects.toMatchObject({ code: -32001, data: { metisCode: 'METIS-1004' } });
  });

  it('eth_estimateGas runs every attempt on the same state (a non-idempotent call like createDac)', async () => {
    const data = contractInterface('DacRegistry').encodeFunctionData('createDac', ['probe', 'cid', [1n, 1n, 1n, 1n, 1n, 1n, 0n]]);
    const gas = BigInt(await call('eth_estimateGas', { from: ADDRS[0], to: DAC_PREDEPLOYS.DacRegistry, data }));
    // Without it the search's later attempts revert NameTaken and the estimate is the 50M call gas cap.
    expect(gas, 'plugins/evm/src/rpc/estimate.ts must revert each attempt of its search').toBeLessThan(5_000_000n);
  });

  it('create, invite, join, commit, deliver, resolve; launch a token by proposal', async () => {
    // create (founder: account 0) with short windows
    const created = await cli(['dac', 'create', 'acme', '--charter', 'bafy-charter', '--bond', '0.5', '--challenge-window', '10s', '--vote-window', '20s', '--execution-delay', '2s', '--quorum', '10%', '--json']);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(created.json.dacId).toBe('1');
    const human = await cli(['dac', 'create', 'acme', '--charter', 'x']);
    expect(human.code).toBe(1);
    expect(human.err).toMatch(/NameTaken/);

    expect((await cli(['dac', 'invite', 'acme', ADDRS[1]!])).code).toBe(0);
    const joined = await cli(['dac', 'join', '1'], 1);
    expect(joined.code, joined.err).toBe(0);
    expect(joined.out).toContain('joined DAC 1');

    const list = await call('metis_dacList');
    expect(list).toMatchObject({ total: '0x1', dacs: [{ dacId: '0x1', name: 'acme', charterCid: 'bafy-charter', founder: ADDRS[0], memberCount: '0x2' }] });
    const info = await call('metis_dacInfo', 'acme');
    expect(info).toMatchObject({
      dacId: '0x1',
      name: 'acme',
      founder: ADDRS[0],
      params: { bondSize: `0x${(ETH / 2n).toString(16)}`, challengeWindow: '0xa', voteWindow: '0x14', executionDelay: '0x2', quorumBps: 1000 },
      memberCount: 2,
      totalReputation: '0xc8',
      treasury: [{ token: null, balance: '0x0' }],
      token: null,
    });
    expect(info.members.map((m: { address: string }) => m.address).sort()).toEqual([...ADDRS].sort());
    expect(await call('metis_dacInfo', '0x1', { memberLimit: 1, memberOffset: 1 })).toMatchObject({ memberCount: 2, membersOffset: 1, members: [{ reputation: '0x64' }] });
    expect(await call('metis_dacMembers', 1, { limit: 1 })).toMatchObject({ dacId: '0x1', total: 2, offset: 0, limit: 1 });
    expect(await call('metis_dacReputation', 'acme', ADDRS[1])).toEqual({ dacId: '0x1', account: ADDRS[1], member: true, invited: false, reputation: '0x64', totalReputation: '0xc8' });

    // commit (account 1), deliver, resolve after the challenge window
    const committed = await cli(['dac', 'commit', 'acme', '--description', 'bafy-task', '--deadline', '+1h', '--json'], 1);
    expect(committed.code, committed.err).toBe(0);
    const cid = committed.json.commitmentId as string;
    expect(cid).toBe('1');
    const open = await call('metis_dacCommitments', 1, { status: 'open' });
    expect(open).toMatchObject({ dacId: '0x1', next: null, commitments: [{ id: '0x1', member: ADDRS[1], status: 'open', descriptionCid: 'bafy-task', token: null, challenger: null }] });
    expect((await call('metis_dacCommitments', 1, { status: 'kept' })).commitments).toEqual([]);
    const delivered = await cli(['dac', 'deliver', cid, '--deliverable', 'bafy-done', '--json'], 1);
    expect(delivered.code, delivered.err).toBe(0);
    const early = await cli(['dac', 'resolve', cid]);
    expect(early.code).toBe(1);
    expect(early.err).toMatch(/TooEarly/);
    await untilChainTime(BigInt(delivered.json.challengeEnd) + 1n);
    const resolved = await cli(['dac', 'resolve', cid, '--json']);
    expect(resolved.code, resolved.err).toBe(0);
    expect(await call('metis_dacCommitment', '1')).toMatchObject({ status: 'kept', deliverableCid: 'bafy-done' });
    expect((await call('metis_dacReputation', 1, ADDRS[1])).reputation).toBe('0x6e');
    const shown = await readOnly(['dac', 'info', '--commitment', cid]);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/Commitment 1 of DAC 1: Kept/);

    // token launch by proposal: both members vote for, then execute after the delay
    const launch = await cli(['token', 'launch', 'acme', '--name', 'Acme', '--symbol', 'ACME', '--cap', '1000000', '--holder', `${ADDRS[0]}:1000`, '--json']);
    expect(launch.code, launch.err).toBe(0);
    const pid = launch.json.proposalId as string;
    expect((await call('metis_dacProposals', 'acme')).proposals).toMatchObject([{ id: `0x${BigInt(pid).toString(16)}`, state: 'active', proposer: ADDRS[0] }]);
    expect((await cli(['dac', 'vote', '--proposal', pid, '--for'])).code).toBe(0);
    const v1 = await cli(['dac', 'vote', '--proposal', pid, '--for'], 1);
    expect(v1.code, v1.err).toBe(0);
    expect(v1.out).toMatch(/Voted for proposal/);
    await untilChainTime(BigInt(launch.json.executableAt));
    expect((await call('metis_dacProposal', pid)).state).toBe('executable');
    const executed = await cli(['dac', 'execute', pid]);
    expect(executed.code, executed.err).toBe(0);
    expect((await call('metis_dacProposal', pid)).state).toBe('executed');

    const t = await call('metis_dacTokenInfo', 'acme', { holders: [ADDRS[0]] });
    expect(t).toMatchObject({ dacId: '0x1', name: 'Acme', symbol: 'ACME', decimals: 18, cap: `0x${(1_000_000n * ETH).toString(16)}`, totalSupply: `0x${(1000n * ETH).toString(16)}` });
    expect(t.holders).toEqual([{ account: ADDRS[0], balance: `0x${(1000n * ETH).toString(16)}`, votes: expect.any(String) }]);
    expect((await call('metis_dacInfo', 1)).token).toBe(t.token);
    const tokenInfo = await readOnly(['token', 'info', 'acme']);
    expect(tokenInfo.code, tokenInfo.err).toBe(0);
    expect(tokenInfo.out).toContain('Acme (ACME)');

    // alice's bond came back: withdraw it
    const withdrawn = await cli(['dac', 'withdraw', '--json'], 1);
    expect(withdrawn.code, withdrawn.err).toBe(0);
    expect(withdrawn.json.total).toBe((ETH / 2n).toString());

    // a proposal with an attribute grant and a token mint, both executed
    const proposed = await cli(['dac', 'propose', 'acme', '--description', 'bafy-prop', '--grant-attribute', `${ADDRS[1]}:bafy-badge`, '--json']);
    expect(proposed.code, proposed.err).toBe(0);
    const minted = await cli(['token', 'mint', '1', '--to', ADDRS[1]!, '--amount', '5', '--json']);
    expect(minted.code, minted.err).toBe(0);
    for (const p of [proposed.json.proposalId, minted.json.proposalId]) {
      for (const k of [0, 1]) expect((await cli(['dac', 'vote', '--proposal', p, '--for'], k)).code).toBe(0);
    }
    await untilChainTime(BigInt(minted.json.executableAt));
    for (const p of [proposed.json.proposalId, minted.json.proposalId]) expect((await cli(['dac', 'execute', p])).code).toBe(0);
    const alice = (await call('metis_dacMembers', 'acme')).members.find((m: { address: string }) => m.address === ADDRS[1]);
    expect(alice).toMatchObject({ attributeCount: 1, attributes: [{ cid: 'bafy-badge' }] });
    expect((await call('metis_dacTokenInfo', 1)).totalSupply).toBe(`0x${(1005n * ETH).toString(16)}`);
    expect((await call('metis_dacProposals', 1, { state: 'executed', limit: 2 })).proposals).toHaveLength(2);

    // a commitment not delivered by its deadline is slashed; then alice leaves
    const late = await cli(['dac', 'commit', 'acme', '--description', 'bafy-late', '--deadline', '+3s', '--json'], 1);
    expect(late.code, late.err).toBe(0);
    await untilChainTime(BigInt(late.json.deadline) + 1n);
    const slashed = await cli(['dac', 'slash', late.json.commitmentId]);
    expect(slashed.code, slashed.err).toBe(0);
    expect((await call('metis_dacCommitments', 'acme', { status: 'resolved' })).commitments.map((c: { status: string }) => c.status)).toEqual(['slashed', 'kept']);
    expect((await call('metis_dacCommitments', 'acme', { limit: 1 })).next).toBe('0x2');
    expect((await cli(['dac', 'leave', 'acme'], 1)).code).toBe(0);
    expect((await call('metis_dacInfo', 'acme')).memberCount).toBe(1);
  }, 120_000);

  it('usage errors exit 2', async () => {
    expect((await cli(['dac', 'vote', '--proposal', '1'])).code).toBe(2);
    expect((await cli(['dac', 'vote', '--proposal', '1', '--commitment', '1', '--for'])).code).toBe(2);
    expect((await cli(['dac', 'deliver', 'x', '--deliverable', 'c'])).code).toBe(2);
    expect((await cli(['dac', 'create', 'b', '--charter', 'c', '--quorum', 'lots'])).code).toBe(2);
    const noKey = memoryIo();
    expect(await run(['dac', 'join', '1', '--rpc', url, '--key-env', 'DAC_TEST_NO_SUCH_KEY'], { io: noKey, plugins: [dac(), token()] })).toBe(2);
    expect(noKey.stderr()).toContain('METIS-701');
    expect((await readOnly(['dac', 'info'])).code).toBe(2);
  });
});
