// The L2 predeploys on anvil: their runtime code is placed at the fixed addresses with anvil_setCode (as the
// L2 genesis will hold them), and deposits are sent by the impersonated system caller (as the node will).
import type { Contract, JsonRpcProvider, JsonRpcSigner, TransactionReceipt, Wallet } from 'ethers';
import { concat, getAddress, getCreate2Address, getCreateAddress, keccak256, parseEther, toBeHex, zeroPadValue } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import type { Anvil } from '@metis/testkit';
import {
  L2_BRIDGE,
  MESSAGE_PASSER,
  SYSTEM_CALLER,
  ZERO_ADDRESS,
  ZERO_HASH,
  abi,
  at,
  deployContract,
  devWallets,
  eventOf,
  eventsOf,
  expectRevert,
  freshAddress,
  mined,
  recordGas,
  withdrawalHash,
  useAnvil,
} from './helpers.js';

let anvil: Anvil;
let provider: JsonRpcProvider;
let system: JsonRpcSigner;
let user: Wallet;
let other: Wallet;
let bridge: Contract; // as the system caller
let passer: Contract;

/** The node gives every deposit call a fixed, generous gas limit (never an estimate: see L2Bridge). */
const DEPOSIT_GAS = 1_000_000;
const ONE = parseEther('1');

const as = (c: Contract, w: Wallet): Contract => c.connect(w) as Contract;
const meta = (name: string, symbol: string, decimals: number): string => abi.encode(['string', 'string', 'uint8'], [name, symbol, decimals]);

const env = useAnvil('l2-predeploys', { chainId: 901 });

beforeAll(async () => {
  ({ anvil, provider } = env);
  [user, other] = devWallets(provider, 2) as [Wallet, Wallet];
  await provider.send('anvil_setCode', [L2_BRIDGE, loadArtifact('L2Bridge').deployedBytecode]);
  await provider.send('anvil_setCode', [MESSAGE_PASSER, loadArtifact('MessagePasser').deployedBytecode]);
  await provider.send('anvil_impersonateAccount', [SYSTEM_CALLER]);
  await provider.send('anvil_setBalance', [SYSTEM_CALLER, toBeHex(parseEther('1000000'))]);
  system = await provider.getSigner(SYSTEM_CALLER);
  bridge = at('L2Bridge', L2_BRIDGE, system);
  passer = at('MessagePasser', MESSAGE_PASSER, provider);
});

interface DepositArgs {
  index: number | bigint;
  from?: string;
  to: string;
  l1Token?: string;
  amount: bigint;
  tokenMeta?: string;
  value?: bigint;
}

/**
 * Applies a deposit with the node's fixed gas limit; `estimate` lets ethers estimate instead, which surfaces
 * the revert data of a deposit that must fail.
 */
function deposit(d: DepositArgs, runner: Contract = bridge, estimate = false) {
  const l1Token = d.l1Token ?? ZERO_ADDRESS;
  const value = d.value ?? (l1Token === ZERO_ADDRESS ? d.amount : 0n);
  const overrides = estimate ? { value } : { value, gasLimit: DEPOSIT_GAS };
  return runner.finalizeDeposit(d.index, d.from ?? user.address, d.to, l1Token, d.amount, d.tokenMeta ?? '0x', overrides);
}
const failing = (d: DepositArgs, runner: Contract = bridge) => deposit(d, runner, true);

function predictedToken(l1Token: string, name: string, symbol: string, decimals: number): string {
  const args = abi.encode(['string', 'string', 'uint8', 'address'], [name, symbol, decimals, l1Token]);
  const initCode = concat([loadArtifact('BridgedToken').bytecode, args]);
  return getCreate2Address(L2_BRIDGE, zeroPadValue(l1Token, 32), keccak256(initCode));
}

describe('predeploys', () => {
  it('hold their runtime code at the fixed addresses and start from empty storage', async () => {
    expect(await provider.getCode(L2_BRIDGE)).toBe(loadArtifact('L2Bridge').deployedBytecode);
    expect(await provider.getCode(MESSAGE_PASSER)).toBe(loadArtifact('MessagePasser').deployedBytecode);
    expect(await bridge.nextDepositIndex()).toBe(0n);
    expect(await passer.messageNonce()).toBe(0n);
    expect(await bridge.ETH_DEPOSIT_GAS()).toBe(100_000n);
  });
});

describe('L2Bridge: deposits', () => {
  it('applies ETH deposits in order, exactly once', async () => {
    const to = freshAddress();
    const r = await mined(deposit({ index: 0, to, amount: ONE }));
    recordGas('L2Bridge.finalizeDeposit (ETH to a new account)', r);
    const ev = eventOf(bridge, r, 'DepositFinalized');
    expect([ev.args.index, ev.args.from, ev.args.to, ev.args.l1Token, ev.args.l2Token, ev.args.amount]).toEqual([0n, user.address, to, ZERO_ADDRESS, ZERO_ADDRESS, ONE]);
    expect(await provider.getBalance(to)).toBe(ONE);
    expect(await provider.getBalance(L2_BRIDGE)).toBe(0n);
    expect(await bridge.nextDepositIndex()).toBe(1n);

    await expectRevert(failing({ index: 0, to, amount: ONE }), 'WrongDepositIndex', [1, 0]);
    await expectRevert(failing({ index: 2, to, amount: ONE }), 'WrongDepositIndex', [1, 2]);
    await mined(deposit({ index: 1, to, amount: 2n * ONE }));
    expect(await provider.getBalance(to)).toBe(3n * ONE);
    expect(await bridge.nextDepositIndex()).toBe(2n);
  });

  it('refuses to run a deposit with less than MIN_DEPOSIT_GAS, so that none fails for lack of gas', async () => {
    expect(await bridge.MIN_DEPOSIT_GAS()).toBe(900_000n);
    const low = bridge.finalizeDeposit.staticCall(0, user.address, user.address, ZERO_ADDRESS, 1n, '0x', { value: 1n, gasLimit: 600_000 });
    const { args } = await expectRevert(low, 'InsufficientDepositGas');
    expect(args[0]).toBeLessThan(900_000n);
    expect(args[1]).toBe(900_000n);
    // The node's fixed 1,000,000 is enough for the most expensive deposit: a token with 64-byte name and symbol.
    const l1Token = freshAddress();
    const r = await mined(deposit({ index: 0, to: user.address, amount: 1n, l1Token, tokenMeta: meta('N'.repeat(64), 'S'.repeat(64), 18) }));
    recordGas('L2Bridge.finalizeDeposit (ERC-20, creates a token with 64-byte name and symbol)', r);
    expect(eventsOf(bridge, r, 'TokenCreated')).toHaveLength(1);
    expect(await at('BridgedToken', await bridge.l2TokenFor(l1Token), provider).name()).toBe('N'.repeat(64));
  });

  it('only the system caller may apply deposits', async () => {
    await expectRevert(failing({ index: 0, to: user.address, amount: 1n }, as(bridge, user)), 'OnlySystemCaller', [user.address]);
  });

  it('requires msg.value = amount for ETH and 0 for tokens', async () => {
    await expectRevert(failing({ index: 0, to: user.address, amount: ONE, value: ONE - 1n }), 'ValueMismatch', [ONE, ONE - 1n]);
    const l1Token = freshAddress();
    await expectRevert(failing({ index: 0, to: user.address, amount: 5n, l1Token, tokenMeta: meta('T', 'T', 18), value: 5n }), 'ValueMismatch', [0, 5n]);
  });

  it('credits ETH that the recipient refuses or cannot take in its gas, and moves on', async () => {
    const refusing = await deployContract(user, 'EthReceiver');
    await mined(refusing.setMode(1));
    const burning = await deployContract(user, 'EthReceiver');
    await mined(burning.setMode(2));

    const r1 = await mined(deposit({ index: 0, to: refusing.target as string, amount: ONE }));
    const ev = eventOf(bridge, r1, 'DepositFailed');
    expect([ev.args.index, ev.args.to, ev.args.l1Token, ev.args.amount]).toEqual([0n, refusing.target, ZERO_ADDRESS, ONE]);
    const r2 = await mined(deposit({ index: 1, to: burning.target as string, amount: 2n * ONE }));
    recordGas('L2Bridge.finalizeDeposit (ETH to a gas-burning contract)', r2);
    expect(r2.gasUsed).toBeLessThan(200_000n); // the recipient got ETH_DEPOSIT_GAS, not everything
    expect(eventsOf(bridge, r2, 'DepositFailed')).toHaveLength(1);
    expect(await bridge.nextDepositIndex()).toBe(2n);
    expect(await bridge.failedDeposits(refusing.target)).toBe(ONE);
    expect(await bridge.failedDeposits(burning.target)).toBe(2n * ONE);
    expect(await provider.getBalance(L2_BRIDGE)).toBe(3n * ONE);

    // The recipient claims to an address of its choice.
    const claimTo = freshAddress();
    const claim = bridge.interface.encodeFunctionData('claimFailedDeposits', [claimTo]);
    const rc = await mined(refusing.exec(L2_BRIDGE, claim));
    const ce = eventOf(bridge, rc, 'FailedDepositClaimed');
    expect([ce.args.account, ce.args.recipient, ce.args.amount]).toEqual([refusing.target, claimTo, ONE]);
    expect(await provider.getBalance(claimTo)).toBe(ONE);
    expect(await bridge.failedDeposits(refusing.target)).toBe(0n);
    await expectRevert(refusing.exec(L2_BRIDGE, claim), 'NothingToClaim', [refusing.target]);
    await expectRevert(as(bridge, user).claimFailedDeposits(user.address), 'NothingToClaim', [user.address]);
    await expectRevert(burning.exec(L2_BRIDGE, bridge.interface.encodeFunctionData('claimFailedDeposits', [ZERO_ADDRESS])), 'ZeroAddress', ['recipient']);
  });

  it('creates the L2 token on the first deposit of an L1 token (CREATE2, salt = L1 token) and mints', async () => {
    const l1Token = freshAddress();
    const to = freshAddress();
    const r = await mined(deposit({ index: 0, to, amount: 100n, l1Token, tokenMeta: meta('Test Token', 'TST', 6) }));
    recordGas('L2Bridge.finalizeDeposit (ERC-20, creates the token)', r);
    const expected = predictedToken(l1Token, 'Test Token', 'TST', 6);
    const created = eventOf(bridge, r, 'TokenCreated');
    expect([created.args.l1Token, created.args.l2Token, created.args.name, created.args.symbol, created.args.decimals]).toEqual([
      l1Token,
      expected,
      'Test Token',
      'TST',
      6n,
    ]);
    const fin = eventOf(bridge, r, 'DepositFinalized');
    expect([fin.args.index, fin.args.l1Token, fin.args.l2Token, fin.args.amount]).toEqual([0n, l1Token, expected, 100n]);
    expect(await bridge.l2TokenFor(l1Token)).toBe(expected);
    expect(await bridge.l1TokenFor(expected)).toBe(l1Token);

    const token = at('BridgedToken', expected, provider);
    expect(await token.name()).toBe('Test Token');
    expect(await token.symbol()).toBe('TST');
    expect(await token.decimals()).toBe(6n);
    expect(await token.l1Token()).toBe(l1Token);
    expect(await token.bridge()).toBe(L2_BRIDGE);
    expect(await token.balanceOf(to)).toBe(100n);

    // The second deposit reuses the token (even with other metadata) and mints.
    const r2 = await mined(deposit({ index: 1, to, amount: 50n, l1Token, tokenMeta: meta('Renamed', 'RN', 18) }));
    recordGas('L2Bridge.finalizeDeposit (ERC-20, existing token)', r2);
    expect(eventsOf(bridge, r2, 'TokenCreated')).toHaveLength(0);
    expect(await token.balanceOf(to)).toBe(150n);
    expect(await token.totalSupply()).toBe(150n);

    // Another L1 token gets its own L2 token.
    const l1Other = freshAddress();
    await mined(deposit({ index: 2, to, amount: 1n, l1Token: l1Other, tokenMeta: meta('Test Token', 'TST', 6) }));
    const otherToken = await bridge.l2TokenFor(l1Other);
    expect(otherToken).toBe(predictedToken(l1Other, 'Test Token', 'TST', 6));
    expect(otherToken).not.toBe(expected);
  });

  it('a deposit with malformed token metadata fails without blocking the queue', async () => {
    const l1Token = freshAddress();
    const r = await mined(deposit({ index: 0, to: user.address, amount: 5n, l1Token, tokenMeta: '0x1234' }));
    expect(eventsOf(bridge, r, 'DepositFailed')).toHaveLength(1);
    expect(eventsOf(bridge, r, 'TokenCreated')).toHaveLength(0);
    expect(await bridge.l2TokenFor(l1Token)).toBe(ZERO_ADDRESS);
    expect(await bridge.nextDepositIndex()).toBe(1n);
    await mined(deposit({ index: 1, to: user.address, amount: 5n, l1Token, tokenMeta: meta('Ok', 'OK', 18) }));
    expect(await bridge.l2TokenFor(l1Token)).not.toBe(ZERO_ADDRESS);
  });

  it('only the bridge mints and burns bridged tokens', async () => {
    const l1Token = freshAddress();
    await mined(deposit({ index: 0, to: user.address, amount: 10n, l1Token, tokenMeta: meta('T', 'T', 18) }));
    const token = at('BridgedToken', await bridge.l2TokenFor(l1Token), user);
    await expectRevert(token.mint(user.address, 1), 'OnlyBridge', [user.address]);
    await expectRevert(token.burn(user.address, 1), 'OnlyBridge', [user.address]);
  });
});

describe('L2Bridge and MessagePasser: withdrawals', () => {
  function initiated(receipt: TransactionReceipt) {
    const ev = eventOf(passer, receipt, 'WithdrawalInitiated');
    return {
      nonce: ev.args.nonce as bigint,
      sender: ev.args.sender as string,
      to: ev.args.to as string,
      l1Token: ev.args.l1Token as string,
      amount: ev.args.amount as bigint,
      hash: ev.args.withdrawalHash as string,
    };
  }

  it('withdrawETH records the withdrawal and keeps (burns) the ETH in the bridge', async () => {
    const to = freshAddress();
    const r = await mined(as(bridge, user).withdrawETH(to, { value: ONE }));
    recordGas('L2Bridge.withdrawETH', r);
    const w = initiated(r);
    expect(w).toEqual({ nonce: 0n, sender: user.address, to, l1Token: ZERO_ADDRESS, amount: ONE, hash: withdrawalHash({ nonce: 0n, sender: user.address, to, l1Token: ZERO_ADDRESS, amount: ONE }) });
    expect(await passer.sentMessages(w.hash)).toBe(true);
    expect(await passer.messageNonce()).toBe(1n);
    expect(await provider.getBalance(L2_BRIDGE)).toBe(ONE);
    const req = eventOf(bridge, r, 'WithdrawalRequested');
    expect([req.args.nonce, req.args.from, req.args.to, req.args.l2Token, req.args.l1Token, req.args.amount]).toEqual([0n, user.address, to, ZERO_ADDRESS, ZERO_ADDRESS, ONE]);

    await expectRevert(as(bridge, user).withdrawETH(to, { value: 0 }), 'ZeroAmount', []);
    await expectRevert(as(bridge, user).withdrawETH(ZERO_ADDRESS, { value: 1 }), 'ZeroAddress', ['to']);
  });

  it('withdrawERC20 burns from the caller and records the L1 token', async () => {
    const l1Token = freshAddress();
    await mined(deposit({ index: 0, to: user.address, amount: 1000n, l1Token, tokenMeta: meta('T', 'T', 18) }));
    const l2Token = await bridge.l2TokenFor(l1Token);
    const token = at('BridgedToken', l2Token, provider);
    await mined(as(bridge, other).withdrawETH(other.address, { value: 1n })); // nonce 0

    const to = freshAddress();
    const r = await mined(as(bridge, user).withdrawERC20(l2Token, to, 400n));
    recordGas('L2Bridge.withdrawERC20', r);
    const w = initiated(r);
    expect(w).toEqual({ nonce: 1n, sender: user.address, to, l1Token, amount: 400n, hash: withdrawalHash({ nonce: 1n, sender: user.address, to, l1Token, amount: 400n }) });
    expect(await token.balanceOf(user.address)).toBe(600n);
    expect(await token.totalSupply()).toBe(600n);
    const burn = eventOf(token, r, 'Transfer');
    expect([burn.args.from, burn.args.to, burn.args.value]).toEqual([user.address, ZERO_ADDRESS, 400n]);
    expect(eventOf(bridge, r, 'WithdrawalRequested').args.l2Token).toBe(l2Token);

    await expectRevert(as(bridge, user).withdrawERC20(l2Token, to, 601n), 'ERC20InsufficientBalance', [user.address, 600n, 601n]);
    await expectRevert(as(bridge, user).withdrawERC20(l2Token, to, 0), 'ZeroAmount', []);
    await expectRevert(as(bridge, user).withdrawERC20(l2Token, ZERO_ADDRESS, 1), 'ZeroAddress', ['to']);
    await expectRevert(as(bridge, user).withdrawERC20(l1Token, to, 1), 'UnknownToken', [l1Token]);
    // A token the bridge did not create is refused.
    const foreign = await deployContract(user, 'MetisTestToken', ['Foreign', 'F', 1000n]);
    await expectRevert(as(bridge, user).withdrawERC20(foreign.target, to, 1), 'UnknownToken', [foreign.target]);
  });

  it('nonces increase across withdrawals and every hash is recorded', async () => {
    const hashes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await mined(as(bridge, i % 2 ? other : user).withdrawETH(user.address, { value: BigInt(i + 1) }));
      const w = initiated(r);
      expect(w.nonce).toBe(BigInt(i));
      expect(await passer.sentMessages(w.hash)).toBe(true);
      hashes.push(w.hash);
    }
    expect(new Set(hashes).size).toBe(4);
    expect(await passer.messageNonce()).toBe(4n);
    expect(await passer.sentMessages(withdrawalHash({ nonce: 9n, sender: user.address, to: user.address, l1Token: ZERO_ADDRESS, amount: 1n }))).toBe(false);
  });

  it('only the L2Bridge may call the MessagePasser', async () => {
    await expectRevert(as(passer, user).initiateWithdrawal(user.address, user.address, ZERO_ADDRESS, 1), 'OnlyL2Bridge', [user.address]);
    await expectRevert(
      (passer.connect(system) as Contract).initiateWithdrawal(user.address, user.address, ZERO_ADDRESS, 1),
      'OnlyL2Bridge',
      [SYSTEM_CALLER],
    );
    expect(await passer.messageNonce()).toBe(0n);
  });
});

describe('L2Bridge: L2-native tokens', () => {
  const SUPPLY = parseEther('1000000');
  /** RegistrationCheck values. */
  const Check = { Ok: 0n, NotAContract: 1n, BridgedToken: 2n, AlreadyRegistered: 3n, MirrorInUse: 4n, MalformedMetadata: 5n, MetadataMismatch: 6n };
  /** Runtime code that loops until it runs out of gas, and code that returns the word 0 (a `false`). */
  const BURN_GAS = '0x5b600056';
  const RETURN_FALSE = '0x600060005260206000f3';

  async function dacToken(name = 'Dac Token', symbol = 'DAC'): Promise<Contract> {
    const t = await deployContract(user, 'DacToken', [1n, name, symbol, SUPPLY]);
    await mined(t.mint(user.address, parseEther('1000')));
    return t;
  }
  /** The registration deposit the L1 Bridge queues: to = the native token, l1Token = its mirror, amount 0. */
  const registration = (index: number, l2Token: string, mirror: string, tokenMeta: string) => deposit({ index, to: l2Token, l1Token: mirror, amount: 0n, tokenMeta });
  async function registered(index = 0): Promise<{ token: Contract; mirror: string }> {
    const token = await dacToken();
    const mirror = freshAddress();
    await mined(registration(index, token.target as string, mirror, meta('Dac Token', 'DAC', 18)));
    return { token, mirror };
  }
  async function escrow(token: Contract, mirror: string, amount: bigint, from: Wallet = user): Promise<TransactionReceipt> {
    await mined(as(token, from).approve(L2_BRIDGE, amount));
    return mined(as(bridge, from).withdrawERC20(token.target, from.address, amount));
  }

  it('registers a native token whose metadata match, with a deposit of amount 0', async () => {
    const token = await dacToken();
    const mirror = freshAddress();
    const tokenMeta = meta('Dac Token', 'DAC', 18);
    expect(await bridge.checkNativeRegistration(token.target, mirror, tokenMeta)).toBe(Check.Ok);
    const r = await mined(registration(0, token.target as string, mirror, tokenMeta));
    recordGas('L2Bridge.finalizeDeposit (registers a native DacToken)', r);
    const ev = eventOf(bridge, r, 'NativeTokenRegistered');
    expect([ev.args.index, ev.args.l2Token, ev.args.mirror]).toEqual([0n, token.target, mirror]);
    const fin = eventOf(bridge, r, 'DepositFinalized');
    expect([fin.args.index, fin.args.to, fin.args.l1Token, fin.args.l2Token, fin.args.amount]).toEqual([0n, token.target, mirror, token.target, 0n]);
    expect(await bridge.mirrorOf(token.target)).toBe(mirror);
    expect(await bridge.nativeOf(mirror)).toBe(token.target);
    expect(await bridge.l1TokenFor(token.target)).toBe(ZERO_ADDRESS);
    expect(await bridge.l2TokenFor(mirror)).toBe(ZERO_ADDRESS);
    expect(await bridge.nextDepositIndex()).toBe(1n);
    expect(await bridge.checkNativeRegistration(token.target, freshAddress(), tokenMeta)).toBe(Check.AlreadyRegistered);
  });

  it('refuses registrations that do not fit, without blocking the queue', async () => {
    const token = await dacToken();
    const t = token.target as string;
    const ok = meta('Dac Token', 'DAC', 18);
    const l1Token = freshAddress();
    await mined(deposit({ index: 0, to: user.address, amount: 5n, l1Token, tokenMeta: meta('Bridged', 'BRG', 18) }));
    const bridged = (await bridge.l2TokenFor(l1Token)) as string;
    const gasBurner = freshAddress();
    await provider.send('anvil_setCode', [gasBurner, BURN_GAS]);
    const cases: [string, string, string, bigint][] = [
      [freshAddress(), freshAddress(), ok, Check.NotAContract],
      [bridged, freshAddress(), meta('Bridged', 'BRG', 18), Check.BridgedToken],
      [t, l1Token, ok, Check.MirrorInUse],
      [t, freshAddress(), '0x1234', Check.MalformedMetadata],
      [t, freshAddress(), meta('Dac Token ', 'DAC', 18), Check.MetadataMismatch],
      [t, freshAddress(), meta('Dac Token', 'dac', 18), Check.MetadataMismatch],
      [t, freshAddress(), meta('Dac Token', 'DAC', 6), Check.MetadataMismatch],
      [gasBurner, freshAddress(), ok, Check.MetadataMismatch],
      [L2_BRIDGE, freshAddress(), ok, Check.MetadataMismatch],
    ];
    let index = 1;
    for (const [l2Token, mirror, tokenMeta, reason] of cases) {
      const r = await mined(registration(index, l2Token, mirror, tokenMeta));
      if (l2Token === gasBurner) {
        recordGas('L2Bridge.finalizeDeposit (registration of a gas-burning token, refused)', r);
        expect(r.gasUsed).toBeLessThan(500_000n);
      }
      const refused = eventOf(bridge, r, 'NativeRegistrationRefused');
      expect([refused.args.index, refused.args.l2Token, refused.args.mirror, refused.args.reason], `case ${index}`).toEqual([
        BigInt(index),
        getAddress(l2Token),
        getAddress(mirror),
        reason,
      ]);
      const failed = eventOf(bridge, r, 'DepositFailed');
      expect([failed.args.index, failed.args.to, failed.args.l1Token, failed.args.amount]).toEqual([BigInt(index), getAddress(l2Token), getAddress(mirror), 0n]);
      expect(await bridge.failedRegistrations(mirror)).toBe(keccak256(abi.encode(['uint64', 'address', 'bytes'], [index, l2Token, tokenMeta])));
      expect(await bridge.nativeOf(mirror)).toBe(ZERO_ADDRESS);
      index++;
    }
    expect(await bridge.mirrorOf(t)).toBe(ZERO_ADDRESS);
    expect(await bridge.nextDepositIndex()).toBe(BigInt(index));
    // The token registers with the right metadata; a second registration of it is refused.
    await mined(registration(index, t, freshAddress(), ok));
    const again = await mined(registration(index + 1, t, freshAddress(), ok));
    expect(eventOf(bridge, again, 'NativeRegistrationRefused').args.reason).toBe(Check.AlreadyRegistered);
  });

  it('a refused registration can be retried once the token exists, with exactly its data', async () => {
    const nonce = await provider.getTransactionCount(user.address);
    const future = getCreateAddress({ from: user.address, nonce });
    const mirror = freshAddress();
    const tokenMeta = meta('Dac Token', 'DAC', 18);
    const r = await mined(registration(0, future, mirror, tokenMeta));
    expect(eventOf(bridge, r, 'NativeRegistrationRefused').args.reason).toBe(Check.NotAContract);
    await expectRevert(as(bridge, other).retryNativeRegistration(0, mirror, future, tokenMeta), 'RegistrationRefused', [mirror, future, Check.NotAContract]);

    const token = await deployContract(user, 'DacToken', [1n, 'Dac Token', 'DAC', SUPPLY]);
    expect(token.target).toBe(future);
    await expectRevert(as(bridge, other).retryNativeRegistration(1, mirror, future, tokenMeta), 'NoFailedRegistration', [mirror]);
    await expectRevert(as(bridge, other).retryNativeRegistration(0, mirror, future, meta('Dac Token', 'DAC', 6)), 'NoFailedRegistration', [mirror]);
    await expectRevert(as(bridge, other).retryNativeRegistration(0, freshAddress(), future, tokenMeta), 'NoFailedRegistration');
    const rr = await mined(as(bridge, other).retryNativeRegistration(0, mirror, future, tokenMeta));
    recordGas('L2Bridge.retryNativeRegistration', rr);
    const ev = eventOf(bridge, rr, 'NativeTokenRegistered');
    expect([ev.args.index, ev.args.l2Token, ev.args.mirror]).toEqual([0n, future, mirror]);
    expect(await bridge.mirrorOf(future)).toBe(mirror);
    expect(await bridge.failedRegistrations(mirror)).toBe(ZERO_HASH);
    await expectRevert(as(bridge, other).retryNativeRegistration(0, mirror, future, tokenMeta), 'NoFailedRegistration', [mirror]);
  });

  it('withdrawERC20 escrows a registered native token (approval needed) and withdraws its mirror', async () => {
    const { token, mirror } = await registered();
    const t = token.target as string;
    await expectRevert(as(bridge, user).withdrawERC20(t, other.address, 5n), 'ERC20InsufficientAllowance', [L2_BRIDGE, 0n, 5n]);
    await mined(as(token, user).approve(L2_BRIDGE, parseEther('300')));
    const to = freshAddress();
    const r = await mined(as(bridge, user).withdrawERC20(t, to, parseEther('300')));
    recordGas('L2Bridge.withdrawERC20 (escrows a native DacToken)', r);
    const ev = eventOf(passer, r, 'WithdrawalInitiated');
    const w = { nonce: 0n, sender: user.address, to, l1Token: mirror, amount: parseEther('300') };
    expect([ev.args.nonce, ev.args.sender, ev.args.to, ev.args.l1Token, ev.args.amount, ev.args.withdrawalHash]).toEqual([...Object.values(w), withdrawalHash(w)]);
    const req = eventOf(bridge, r, 'WithdrawalRequested');
    expect([req.args.l2Token, req.args.l1Token, req.args.amount]).toEqual([t, mirror, parseEther('300')]);
    expect(await token.balanceOf(L2_BRIDGE)).toBe(parseEther('300'));
    expect(await token.balanceOf(user.address)).toBe(parseEther('700'));
    expect(await token.totalSupply()).toBe(parseEther('1000')); // escrowed, not burned
    expect(await bridge.escrowedOf(t)).toBe(parseEther('300'));

    await expectRevert(as(bridge, user).withdrawERC20(t, to, 0), 'ZeroAmount', []);
    await expectRevert(as(bridge, user).withdrawERC20(t, ZERO_ADDRESS, 1), 'ZeroAddress', ['to']);
    await mined(as(token, user).approve(L2_BRIDGE, parseEther('701')));
    await expectRevert(as(bridge, user).withdrawERC20(t, to, parseEther('701')), 'ERC20InsufficientBalance', [user.address, parseEther('700'), parseEther('701')]);
    // An unregistered token is still refused, and so is the mirror's address.
    const unregistered = await dacToken('Other', 'OTH');
    await expectRevert(as(bridge, user).withdrawERC20(unregistered.target, to, 1), 'UnknownToken', [unregistered.target]);
    await expectRevert(as(bridge, user).withdrawERC20(mirror, to, 1), 'UnknownToken', [mirror]);
  });

  it('counts what arrived for a fee-on-transfer native token', async () => {
    const fee = await deployContract(user, 'FeeOnTransferToken', [100, 1_000_000n]);
    const mirror = freshAddress();
    await mined(registration(0, fee.target as string, mirror, meta('Fee Token', 'FEE', 6)));
    const r = await escrow(fee, mirror, 10_000n);
    expect(eventOf(passer, r, 'WithdrawalInitiated').args.amount).toBe(9_900n);
    expect(await bridge.escrowedOf(fee.target)).toBe(9_900n);
    expect(await fee.balanceOf(L2_BRIDGE)).toBe(9_900n);
  });

  it('a deposit of the mirror releases escrowed tokens and never mints', async () => {
    const { token, mirror } = await registered();
    const t = token.target as string;
    await escrow(token, mirror, parseEther('500'));
    const to = freshAddress();
    const r = await mined(deposit({ index: 1, to, l1Token: mirror, amount: parseEther('120'), tokenMeta: meta('Dac Token', 'DAC', 18) }));
    recordGas('L2Bridge.finalizeDeposit (releases a native DacToken)', r);
    const fin = eventOf(bridge, r, 'DepositFinalized');
    expect([fin.args.index, fin.args.to, fin.args.l1Token, fin.args.l2Token, fin.args.amount]).toEqual([1n, to, mirror, t, parseEther('120')]);
    expect(eventsOf(bridge, r, 'TokenCreated')).toHaveLength(0);
    expect(await token.balanceOf(to)).toBe(parseEther('120'));
    expect(await token.balanceOf(L2_BRIDGE)).toBe(parseEther('380'));
    expect(await bridge.escrowedOf(t)).toBe(parseEther('380'));
    expect(await token.totalSupply()).toBe(parseEther('1000'));
    expect(await bridge.l2TokenFor(mirror)).toBe(ZERO_ADDRESS);

    // More than is escrowed (impossible through the L1 Bridge) fails and moves nothing.
    const rf = await mined(deposit({ index: 2, to, l1Token: mirror, amount: parseEther('381'), tokenMeta: '0x' }));
    expect(eventOf(bridge, rf, 'DepositFailed').args.amount).toBe(parseEther('381'));
    expect(await bridge.failedNativeDeposits(to, t)).toBe(0n);
    expect(await bridge.escrowedOf(t)).toBe(parseEther('380'));
    expect(await bridge.nextDepositIndex()).toBe(3n);
  });

  it('credits a release the token refuses, claimable later; a token cannot make the deposit revert', async () => {
    const { token, mirror } = await registered();
    const t = token.target as string;
    await escrow(token, mirror, parseEther('100'));
    const code = await provider.getCode(t);
    const to = await deployContract(user, 'EthReceiver');
    const recipient = to.target as string;

    for (const [i, broken] of [BURN_GAS, RETURN_FALSE, '0xfe'].entries()) {
      await provider.send('anvil_setCode', [t, broken]);
      const r = await mined(deposit({ index: i + 1, to: recipient, l1Token: mirror, amount: parseEther('10'), tokenMeta: '0x' }));
      if (broken === BURN_GAS) {
        recordGas('L2Bridge.finalizeDeposit (release to a gas-burning token, credited)', r);
        expect(r.gasUsed).toBeLessThan(400_000n);
      }
      const ev = eventOf(bridge, r, 'DepositFailed');
      expect([ev.args.index, ev.args.to, ev.args.l1Token, ev.args.amount]).toEqual([BigInt(i + 1), recipient, mirror, parseEther('10')]);
    }
    await provider.send('anvil_setCode', [t, code]);
    expect(await bridge.failedNativeDeposits(recipient, t)).toBe(parseEther('30'));
    expect(await bridge.escrowedOf(t)).toBe(parseEther('70'));
    expect(await token.balanceOf(L2_BRIDGE)).toBe(parseEther('100'));

    const claimTo = freshAddress();
    const claim = bridge.interface.encodeFunctionData('claimFailedNativeDeposits', [t, claimTo]);
    const rc = await mined(to.exec(L2_BRIDGE, claim));
    recordGas('L2Bridge.claimFailedNativeDeposits', rc);
    const ce = eventOf(bridge, rc, 'FailedNativeDepositClaimed');
    expect([ce.args.account, ce.args.l2Token, ce.args.recipient, ce.args.amount]).toEqual([recipient, t, claimTo, parseEther('30')]);
    expect(await token.balanceOf(claimTo)).toBe(parseEther('30'));
    expect(await token.balanceOf(L2_BRIDGE)).toBe(parseEther('70'));
    expect(await bridge.failedNativeDeposits(recipient, t)).toBe(0n);
    await expectRevert(to.exec(L2_BRIDGE, claim), 'NothingToClaim', [recipient]);
    await expectRevert(as(bridge, user).claimFailedNativeDeposits(t, ZERO_ADDRESS), 'NothingToClaim', [user.address]);
  });

  it('refuses a claim to the zero address', async () => {
    const { token, mirror } = await registered();
    await escrow(token, mirror, 10n);
    const t = token.target as string;
    const code = await provider.getCode(t);
    await provider.send('anvil_setCode', [t, RETURN_FALSE]);
    await mined(deposit({ index: 1, to: user.address, l1Token: mirror, amount: 4n, tokenMeta: '0x' }));
    await provider.send('anvil_setCode', [t, code]);
    await expectRevert(as(bridge, user).claimFailedNativeDeposits(t, ZERO_ADDRESS), 'ZeroAddress', ['recipient']);
    await mined(as(bridge, user).claimFailedNativeDeposits(t, user.address));
    expect(await token.balanceOf(user.address)).toBe(parseEther('1000') - 10n + 4n);
  });

  it('a native token that re-enters withdrawERC20 from its transferFrom is refused: nothing is escrowed twice', async () => {
    const token = await deployContract(user, 'ReentrantToken', [L2_BRIDGE, parseEther('1000')]);
    const t = token.target as string;
    const mirror = freshAddress();
    await mined(registration(0, t, mirror, meta('Reentrant Token', 'REE', 18)));
    expect(await bridge.mirrorOf(t)).toBe(mirror);
    await mined(as(token, user).approve(L2_BRIDGE, parseEther('10')));
    await mined(as(token, user).arm(true));
    await expectRevert(as(bridge, user).withdrawERC20(t, user.address, parseEther('10')), 'ReentrancyGuardReentrantCall', []);
    expect(await bridge.escrowedOf(t)).toBe(0n);
    expect(await token.balanceOf(L2_BRIDGE)).toBe(0n);
    expect(await passer.messageNonce()).toBe(0n);
    // Disarmed, the same withdrawal escrows exactly once.
    await mined(as(token, user).arm(false));
    await mined(as(bridge, user).withdrawERC20(t, user.address, parseEther('10')));
    expect(await bridge.escrowedOf(t)).toBe(parseEther('10'));
    expect(await token.balanceOf(L2_BRIDGE)).toBe(parseEther('10'));
  });

  it('keeps the genesis storage empty: the reentrancy guard works from a zero slot', async () => {
    const { token, mirror } = await registered();
    await escrow(token, mirror, 1n);
    await escrow(token, mirror, 2n);
    expect(await bridge.escrowedOf(token.target)).toBe(3n);
  });
});
