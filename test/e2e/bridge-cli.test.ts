// The users' side of the bridge end to end: the real `metis` binary (deploy, deposit, withdraw, withdrawals)
// and @metis/sdk against `metis dev` with its embedded anvil L1 (5 s challenge window).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, ContractFactory, JsonRpcProvider, Wallet, parseEther, parseUnits } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact, PREDEPLOYS } from '@metis/contracts';
import { l1ContractsSchema, type L1Contracts } from '@metis/l1';
import { finalizeWithdrawal, isSdkError, l2TokenFor, relayWithdrawals, withdrawalStatus, withdrawETH, type WithdrawalState } from '@metis/sdk';
import { startAnvil, type Anvil } from '@metis/testkit';
import { CHAIN_ID, DEV_ADDRESSES, DEV_KEYS, removeDir, startDevnet, type Devnet, until } from './harness.js';
import { metisJson, runMetis } from './run-metis.js';

const CHALLENGE_WINDOW = 5;

const metis = runMetis;


interface ListedJson {
  address: string;
  withdrawals: Array<{ nonce: string; to: string; l1Token: string; amount: string; status: WithdrawalState; batchIndex: string | null; l2TxHash: string }>;
  finalized?: Array<{ nonce: string; l1TxHash: string }>;
}

describe('bridge commands and sdk on metis dev (embedded anvil)', () => {
  let node: Devnet;
  let l1: JsonRpcProvider;
  let l2: JsonRpcProvider;
  let contracts: L1Contracts;
  let common: string[];

  beforeAll(async () => {
    node = await startDevnet({ l1: true, blockTime: '250', args: ['--challenge-window', String(CHALLENGE_WINDOW)] });
    contracts = l1ContractsSchema.parse(JSON.parse(await readFile(node.l1Contracts!, 'utf8')));
    l1 = new JsonRpcProvider(node.l1Url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    l2 = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, pollingInterval: 100 });
    common = ['--l1', node.l1Url!, '--contracts', node.l1Contracts!];
  });

  afterAll(async () => {
    l1?.destroy();
    l2?.destroy();
    if (node) {
      expect(await node.stop()).toBe(0);
      await removeDir(node.dataDir);
    }
  });

  it('deposit --wait: ETH credited on L2 exactly once', async () => {
    const recipient = Wallet.createRandom().address;
    const l2Bridge = new Contract(PREDEPLOYS.L2_BRIDGE, loadArtifact('L2Bridge').abi as never, l2);
    const before = (await l2Bridge.getFunction('nextDepositIndex')()) as bigint;
    const r = await metis(['deposit', ...common, '--chain-id', String(CHAIN_ID), '--amount', '1.25', '--to', recipient, '--rpc', node.url, '--wait'], { METIS_KEY: DEV_KEYS[1] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Deposit ${before} queued on L1 for chain ${CHAIN_ID}: 1\\.25 ETH from ${DEV_ADDRESSES[1]} to ${recipient}`));
    expect(r.stdout).toMatch(/Credited on L2 in block \d+ after [\d.]+ s/);
    // --wait returned once credited: the balance is there already.
    expect(await l2.getBalance(recipient)).toBe(parseEther('1.25'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(before + 1n);
    const head = await l2.getBlockNumber();
    await until('more L2 blocks', async () => (await l2.getBlockNumber()) > head + 8);
    expect(await l2.getBalance(recipient)).toBe(parseEther('1.25'));
    expect(await l2Bridge.getFunction('nextDepositIndex')()).toBe(before + 1n);
  });

  it('ERC-20 end to end: deposit --token, the bridged token on L2, withdraw --token, withdrawals safe then finalizable, --finalize pays once', async () => {
    const user = new Wallet(DEV_KEYS[2], l1);
    const env = { METIS_KEY: DEV_KEYS[2] };
    const supply = parseUnits('1000000', 18);
    const { abi, bytecode } = loadArtifact('MetisTestToken');
    const deployed = await new ContractFactory(abi as never, bytecode, user).deploy('Metis Test Token', 'MTT', supply);
    await deployed.waitForDeployment();
    const l1Token = await deployed.getAddress();
    const token = new Contract(l1Token, abi as never, l1);
    const bridge = new Contract(contracts.bridge, loadArtifact('Bridge').abi as never, l1);

    // Deposit 100 MTT (approval included) and wait for the L2.
    const deposited = await metisJson<{ index: string; amount: string; approveTxHash?: string; l2: { status: string; l2Token: string; l2Block: number } }>(
      ['deposit', ...common, '--rpc', node.url, '--amount', '100', '--token', l1Token, '--wait'],
      env,
    );
    expect(deposited.approveTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(deposited.amount).toBe(parseUnits('100', 18).toString());
    expect(deposited.l2.status).toBe('credited');
    const l2TokenAddress = (await l2TokenFor({ l2Provider: l2, l1Token }))!;
    expect(l2TokenAddress).toBe(deposited.l2.l2Token);
    const l2Token = new Contract(l2TokenAddress, loadArtifact('BridgedToken').abi as never, l2);
    expect(await l2Token.getFunction('name')()).toBe('Metis Test Token');
    expect(await l2Token.getFunction('symbol')()).toBe('MTT');
    expect(await l2Token.getFunction('decimals')()).toBe(18n);
    expect(await l2Token.getFunction('l1Token')()).toBe(l1Token);
    expect(await l2Token.getFunction('balanceOf')(user.address)).toBe(parseUnits('100', 18));
    expect(await token.getFunction('balanceOf')(user.address)).toBe(supply - parseUnits('100', 18));
    expect(await bridge.getFunction('lockedOf')(CHAIN_ID, l1Token)).toBe(parseUnits('100', 18));

    // Withdraw 40 of them to another L1 account.
    const l1Recipient = Wallet.createRandom().address;
    const started = await metisJson<{ withdrawal: { nonce: string; amount: string; l1Token: string }; l2TxHash: string }>(
      ['withdraw', '--rpc', node.url, '--amount', '40', '--token', l2TokenAddress, '--to', l1Recipient],
      env,
    );
    expect(started.withdrawal.amount).toBe(parseUnits('40', 18).toString());
    expect(started.withdrawal.l1Token).toBe(l1Token.toLowerCase());
    expect(await l2Token.getFunction('balanceOf')(user.address)).toBe(parseUnits('60', 18));
    const nonce = started.withdrawal.nonce;

    // `withdrawals` follows it: (unsafe,) safe while the challenge window runs, then finalizable.
    const list = (): Promise<ListedJson> => metisJson<ListedJson>(['withdrawals', ...common, '--rpc', node.url, '--address', user.address]);
    const seen: WithdrawalState[] = [];
    const stateOf = async (): Promise<WithdrawalState> => {
      const w = (await list()).withdrawals.find((x) => x.nonce === nonce)!;
      expect(w.l2TxHash).toBe(started.l2TxHash);
      if (seen.at(-1) !== w.status) seen.push(w.status);
      return w.status;
    };
    await until('safe', async () => (await stateOf()) !== 'unsafe', 60_000, 100);
    expect(seen.at(-1)).toBe('safe');
    await until('finalizable', async () => (await stateOf()) === 'finalizable', 60_000, 250);
    expect(seen.filter((s) => s !== 'unsafe')).toEqual(['safe', 'finalizable']);
    const text = await metis(['withdrawals', ...common, '--rpc', node.url, '--address', user.address]);
    expect(text.stdout).toMatch(new RegExp(`#${nonce}  40 MTT \\(L1 token ${l1Token}\\) to ${l1Recipient} .*finalizable: batch \\d+ is final`));

    // --finalize pays it (any key may pay for it; here the user's), exactly once.
    const first = await metis(['withdrawals', ...common, '--rpc', node.url, '--address', user.address, '--finalize'], { METIS_KEY: DEV_KEYS[3] });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`Finalized withdrawal ${nonce} \\(batch \\d+\\) in L1 transaction 0x[0-9a-f]{64} \\(block \\d+\\): 40 MTT paid to ${l1Recipient}`));
    expect(first.stdout).toMatch(/Finalized 1 of 1 finalizable withdrawal\./);
    expect(await token.getFunction('balanceOf')(l1Recipient)).toBe(parseUnits('40', 18));
    expect(await bridge.getFunction('lockedOf')(CHAIN_ID, l1Token)).toBe(parseUnits('60', 18));

    const second = await metisJson<ListedJson>(['withdrawals', ...common, '--rpc', node.url, '--address', user.address, '--finalize'], { METIS_KEY: DEV_KEYS[3] });
    expect(second.finalized).toEqual([]);
    expect(second.withdrawals.find((x) => x.nonce === nonce)!.status).toBe('finalized');
    const again = await metis(['withdrawals', ...common, '--rpc', node.url, '--address', user.address, '--finalize'], { METIS_KEY: DEV_KEYS[3] });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to finalize\./);
    expect(await token.getFunction('balanceOf')(l1Recipient)).toBe(parseUnits('40', 18));
    expect(await bridge.getFunction('lockedOf')(CHAIN_ID, l1Token)).toBe(parseUnits('60', 18));
  });

  it('withdraw of ETH with the CLI, finalized with the sdk once final, and only once', async () => {
    const l1Recipient = Wallet.createRandom().address;
    const payer = new Wallet(DEV_KEYS[0], l1);
    const startedAt = Date.now();
    const started = await metisJson<{ l2TxHash: string; l2Block: number; withdrawal: { amount: string } }>(
      ['withdraw', '--rpc', node.url, '--amount', '0.5', '--to', l1Recipient],
      { METIS_KEY: DEV_KEYS[1] },
    );
    const includedAt = Date.now(); // the CLI returns once the L2 transaction is in a block
    expect(started.withdrawal.amount).toBe(parseEther('0.5').toString());
    const input = { l1Provider: l1, l2Provider: l2, contracts, chainId: CHAIN_ID, l2TxHash: started.l2TxHash };

    // Not final yet: the sdk refuses without sending anything.
    const early = await finalizeWithdrawal({ ...input, l1Signer: payer }).catch((e: unknown) => e);
    expect(isSdkError(early, 'NOT_FINALIZABLE'), String(early)).toBe(true);
    expect(String(early)).toMatch(/not in a batch on L1 yet|challenge window is still running/);

    const ready = await until(
      'finalizable',
      async () => {
        const s = await withdrawalStatus(input);
        return s.status === 'finalizable' ? s : undefined;
      },
      60_000,
      100,
    );
    expect(ready.proof).toBeDefined();
    const paid = await finalizeWithdrawal({ ...input, l1Signer: payer });
    const arrivedMs = Date.now() - startedAt;
    const fromReceiptMs = Date.now() - includedAt;
    expect(paid.batchIndex).toBe(ready.batchIndex);
    expect(await l1.getBalance(l1Recipient)).toBe(parseEther('0.5'));
    console.log(
      `[figure] L2 withdrawal to ETH on L1: ${(arrivedMs / 1000).toFixed(1)} s from running \`metis withdraw\` to the L1 payment ` +
        `(${(fromReceiptMs / 1000).toFixed(1)} s from its L2 receipt), with a ${CHALLENGE_WINDOW} s challenge window ` +
        `(metis dev: 250 ms L2 blocks, batches after at most 2 s, 1 s L1 blocks; sdk withdrawalStatus polled every 100 ms, then finalizeWithdrawal)`,
    );

    expect((await withdrawalStatus(input)).status).toBe('finalized');
    const twice = await finalizeWithdrawal({ ...input, l1Signer: payer }).catch((e: unknown) => e);
    expect(isSdkError(twice, 'NOT_FINALIZABLE')).toBe(true);
    expect(String(twice)).toMatch(/already finalized/);
    expect(await l1.getBalance(l1Recipient)).toBe(parseEther('0.5'));
  });

  it('relayWithdrawals finalizes the watched senders’ withdrawals as they mature', async () => {
    const sender = new Wallet(DEV_KEYS[3], l2);
    const fromBlock = await l2.getBlockNumber();
    const recipients = [Wallet.createRandom().address, Wallet.createRandom().address];
    for (const [i, to] of recipients.entries()) await withdrawETH({ l2Signer: sender, to, amount: parseEther(String(0.1 * (i + 1))) });
    const controller = new AbortController();
    let finalized = 0;
    const report = await relayWithdrawals({
      l1Signer: new Wallet(DEV_KEYS[0], l1),
      l2Provider: l2,
      contracts,
      chainId: CHAIN_ID,
      senders: [sender.address],
      fromBlock,
      pollMs: 250,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'error') console.error(e.error);
        if (e.type === 'finalized' && ++finalized === recipients.length) controller.abort();
      },
    });
    expect(report.finalized).toHaveLength(2);
    expect(report.pending).toEqual([]);
    expect(await l1.getBalance(recipients[0]!)).toBe(parseEther('0.1'));
    expect(await l1.getBalance(recipients[1]!)).toBe(parseEther('0.2'));
  });

  it('bad input exits 2 with a clear message and sends nothing; an unreachable L1 exits 1', async () => {
    const deposit = ['deposit', ...common, '--chain-id', String(CHAIN_ID)];
    const cases: Array<[string[], Record<string, string | undefined>, number, RegExp]> = [
      [[...deposit, '--amount', '1'], {}, 2, /no key: set the environment variable METIS_KEY/],
      [[...deposit, '--amount', '1'], { METIS_KEY: '0x1234' }, 2, /METIS_KEY does not hold a private key/],
      [[...deposit, '--amount', 'lots'], { METIS_KEY: DEV_KEYS[1] }, 2, /Amount must be a positive decimal/],
      [[...deposit, '--amount', '-1'], { METIS_KEY: DEV_KEYS[1] }, 2, /Amount must be a positive decimal/],
      [[...deposit, '--amount', '0.0000000000000000001'], { METIS_KEY: DEV_KEYS[1] }, 2, /at most 18 decimal places/],
      [['deposit', '--l1', 'not-a-url', '--contracts', node.l1Contracts!, '--amount', '1', '--chain-id', '1337'], { METIS_KEY: DEV_KEYS[1] }, 2, /--l1 must be an http\(s\) URL/],
      [[...deposit, '--amount', '1', '--wait'], { METIS_KEY: DEV_KEYS[1] }, 2, /--wait needs --rpc/],
      [[...deposit, '--amount', '1', '--rpc', node.url, '--chain-id', '7'], { METIS_KEY: DEV_KEYS[1] }, 2, /--chain-id 7 does not match the L2/],
      [['deposit', '--l1', node.l1Url!, '--contracts', '/nonexistent/l1.json', '--amount', '1', '--chain-id', '1337'], { METIS_KEY: DEV_KEYS[1] }, 2, /--contracts: .*cannot read the deployment file/],
      [['withdraw', '--rpc', node.url, '--amount', '1', '--to', '0x1234'], { METIS_KEY: DEV_KEYS[1] }, 2, /--to must be an address/],
      [['withdraw', '--rpc', node.url, '--amount', '1'], {}, 2, /no key/],
      [['withdrawals', ...common, '--rpc', node.url], {}, 2, /--address is required/],
      [['withdrawals', ...common, '--rpc', node.url, '--address', DEV_ADDRESSES[1], '--finalize'], {}, 2, /no key/],
      [['deploy', '--l1', node.l1Url!], {}, 2, /no key: set the environment variable METIS_DEPLOYER_KEY/],
      [['deploy'], { METIS_DEPLOYER_KEY: DEV_KEYS[0] }, 2, /required option '--l1 <url>'/],
      // Runtime failures: exit 1.
      [[...deposit, '--amount', '1', '--chain-id', '4242'], { METIS_KEY: DEV_KEYS[1] }, 1, /METIS-804 .*UnknownChain\(4242\): no chain with this id is registered/],
      [['deposit', '--l1', 'http://127.0.0.1:9545', '--contracts', node.l1Contracts!, '--amount', '1', '--chain-id', '1337'], { METIS_KEY: DEV_KEYS[1] }, 1, /METIS-803 .*cannot reach the L1 at http:\/\/127\.0\.0\.1:9545/],
    ];
    const before = await l1.getTransactionCount(DEV_ADDRESSES[1]);
    const runs = await Promise.all(cases.map(([args, env]) => metis(args, env)));
    for (const [i, [args, , code, message]] of cases.entries()) {
      const r = runs[i]!;
      expect({ args: args.join(' '), code: r.code }).toEqual({ args: args.join(' '), code });
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
    }
    expect(await l1.getTransactionCount(DEV_ADDRESSES[1])).toBe(before);
  });
});

describe('metis deploy on a separate L1', () => {
  let anvil: Anvil;
  let dir: string;

  beforeAll(async () => {
    anvil = await startAnvil();
    dir = await mkdtemp(join(tmpdir(), 'metis-deploy-'));
  });
  afterAll(async () => {
    await anvil?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('deploys the contracts and writes a deployment file l1({ contracts }) reads; refuses to overwrite it', async () => {
    const out = join(dir, 'l1.json');
    const env = { METIS_DEPLOYER_KEY: DEV_KEYS[0] };
    const r = await metis(['deploy', '--l1', anvil.url, '--out', out, '--unbonding-delay', '3600'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const file = l1ContractsSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const provider = new JsonRpcProvider(anvil.url, undefined, { cacheTimeout: -1 });
    try {
      for (const name of ['chainRegistry', 'bondManager', 'batchInbox', 'bridge', 'dataInbox', 'daChallenge', 'rangerRegistry', 'rangerCertifier', 'rangerDisputes'] as const) {
        expect((await provider.getCode(file[name]!)).length, name).toBeGreaterThan(2);
        expect(r.stdout).toContain(file[name]!);
      }
      expect(file.startBlock).toBeGreaterThan(0);
      expect(r.stdout).toContain(`l1({ rpcUrl: '${anvil.url}', contracts: '`);
      const bonds = new Contract(file.bondManager, loadArtifact('BondManager').abi as never, provider);
      expect(await bonds.getFunction('unbondingDelay')()).toBe(3600n);
      const bridge = new Contract(file.bridge, loadArtifact('Bridge').abi as never, provider);
      expect((await bridge.getFunction('batchInbox')()) as string).toBe(file.batchInbox);
    } finally {
      provider.destroy();
    }

    const again = await metis(['deploy', '--l1', anvil.url, '--out', out], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--force/);
    const forced = await metisJson<{ bridge: string }>(['deploy', '--l1', anvil.url, '--out', out, '--force'], env);
    expect(forced.bridge).not.toBe(file.bridge);
    expect(l1ContractsSchema.parse(JSON.parse(await readFile(out, 'utf8'))).bridge).toBe(forced.bridge);

    const broke = await metis(['deploy', '--l1', anvil.url, '--out', join(dir, 'poor.json')], { METIS_DEPLOYER_KEY: Wallet.createRandom().privateKey });
    expect(broke.code).toBe(1);
    expect(broke.stderr).toMatch(/has no ETH on the L1/);
  });
});
