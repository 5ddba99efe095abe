// The DAC token factory predeploy and the DAC tokens it launches: the factory's runtime code is placed at
// Predeploys.DAC_TOKEN_FACTORY with anvil_setCode (as the L2 genesis will hold it), and DacProposals, the only
// caller allowed to launch and mint, is impersonated (its own contract is tested in the governance tests).
import {
  Contract,
  Interface,
  MaxUint256,
  Signature,
  parseEther,
  toBeHex,
  type ErrorFragment,
  type JsonRpcProvider,
  type JsonRpcSigner,
  type TransactionReceipt,
  type Wallet,
} from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArtifact } from '@metis/contracts';
import { ZERO_ADDRESS, devWallets, freshAddress, mined, nextBlockAt, recordGas, useAnvil } from './helpers.js';

/** Predeploys.sol (the test at the top checks that the factory answers there). */
const DAC_PROPOSALS = '0x4200000000000000000000000000000000000104';
const DAC_TOKEN_FACTORY = '0x4200000000000000000000000000000000000110';
const MAX_CAP = (1n << 208n) - 1n;
const E = (n: string | number): bigint => parseEther(String(n));

/** OpenZeppelin's VestingWallet (v5): not among our artifacts, so its ABI is written out here. */
const VESTING_ABI = [
  'function owner() view returns (address)',
  'function start() view returns (uint256)',
  'function duration() view returns (uint256)',
  'function end() view returns (uint256)',
  'function released(address token) view returns (uint256)',
  'function releasable(address token) view returns (uint256)',
  'function vestedAmount(address token, uint64 timestamp) view returns (uint256)',
  'function release(address token)',
  'event ERC20Released(address indexed token, uint256 amount)',
];

/** Every error the factory, the token and the vesting wallets can revert with, to decode reverts by name. */
const errors = (() => {
  const seen = new Map<string, ErrorFragment>();
  const add = (f: ErrorFragment) => seen.set(f.format('sighash'), f);
  for (const name of ['DacTokenFactory', 'DacToken']) {
    for (const f of new Interface(loadArtifact(name).abi as never).fragments) if (f.type === 'error') add(f as ErrorFragment);
  }
  for (const f of new Interface(['error OwnableInvalidOwner(address owner)', 'error OwnableUnauthorizedAccount(address account)']).fragments) {
    add(f as ErrorFragment);
  }
  return new Interface([...seen.values()]);
})();

function revertData(e: unknown): string | undefined {
  const err = e as { data?: unknown; error?: { data?: unknown }; info?: { error?: { data?: unknown } } };
  for (const c of [err.data, err.error?.data, err.info?.error?.data]) if (typeof c === 'string' && c.startsWith('0x')) return c;
  return undefined;
}

/** Expects `promise` to revert with custom error `name` (and, if given, exactly these arguments). */
async function expectRevert(promise: Promise<unknown>, name: string, args?: unknown[]): Promise<void> {
  let error: unknown;
  try {
    const r = (await promise) as { wait?: () => Promise<unknown> } | undefined;
    if (r && typeof r.wait === 'function') await r.wait();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  const data = revertData(error);
  if (!data || data === '0x') throw new Error(`reverted without data: ${(error as Error).message}`);
  const parsed = errors.parseError(data);
  if (!parsed) throw new Error(`unknown revert data ${data}`);
  expect(parsed.name).toBe(name);
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : typeof v === 'number' ? BigInt(v) : v);
  if (args) expect([...parsed.args].map(norm)).toEqual(args.map(norm));
}

let provider: JsonRpcProvider;
let proposals: JsonRpcSigner;
let alice: Wallet;
let bob: Wallet;
let carol: Wallet;
let factory: Contract; // as DacProposals
let factoryAbi: Interface;

const env = useAnvil('dac-token', { chainId: 901 });

beforeAll(async () => {
  ({ provider } = env);
  [alice, bob, carol] = devWallets(provider, 3) as [Wallet, Wallet, Wallet];
  await provider.send('anvil_setCode', [DAC_TOKEN_FACTORY, loadArtifact('DacTokenFactory').deployedBytecode]);
  await provider.send('anvil_impersonateAccount', [DAC_PROPOSALS]);
  await provider.send('anvil_setBalance', [DAC_PROPOSALS, toBeHex(E(1000))]);
  proposals = await provider.getSigner(DAC_PROPOSALS);
  factoryAbi = new Interface(loadArtifact('DacTokenFactory').abi as never);
  factory = new Contract(DAC_TOKEN_FACTORY, factoryAbi, proposals);
});

const tokenAt = (address: string, runner: JsonRpcSigner | Wallet | JsonRpcProvider = provider): Contract =>
  new Contract(address, loadArtifact('DacToken').abi as never, runner);
const vestingAt = (address: string, runner: JsonRpcSigner | Wallet | JsonRpcProvider = provider): Contract =>
  new Contract(address, VESTING_ABI, runner);
const as = (c: Contract, runner: JsonRpcSigner | Wallet): Contract => c.connect(runner) as Contract;

interface Vesting {
  beneficiary: string;
  amount: bigint;
  start: bigint | number;
  duration: bigint | number;
}
interface LaunchArgs {
  dacId?: bigint | number;
  name?: string;
  symbol?: string;
  cap?: bigint;
  holders?: string[];
  amounts?: bigint[];
  vesting?: Vesting[];
}
const launchArgs = (a: LaunchArgs) =>
  [a.dacId ?? 1, a.name ?? 'Builders', a.symbol ?? 'BLD', a.cap ?? E(1_000_000), a.holders ?? [], a.amounts ?? [], a.vesting ?? []] as const;
/** The launch transaction, for reverts (estimated, so its revert data surfaces). */
const launchTx = (a: LaunchArgs = {}, runner: Contract = factory) => runner.launch(...launchArgs(a));

/** Launches as DacProposals and returns the token and the receipt. */
async function launch(a: LaunchArgs = {}): Promise<{ token: Contract; receipt: TransactionReceipt }> {
  const receipt = await mined(launchTx(a));
  const token = tokenAt(await factory.tokenOf(a.dacId ?? 1));
  return { token, receipt };
}

function logsOf(receipt: TransactionReceipt, name: string) {
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === DAC_TOKEN_FACTORY.toLowerCase())
    .map((l) => factoryAbi.parseLog(l))
    .filter((p) => p?.name === name)
    .map((p) => p!);
}

/** Sum of the balances of `accounts` (with every holder listed) equals the total supply. */
async function expectConserved(token: Contract, accounts: string[]): Promise<bigint> {
  const unique = [...new Set(accounts.map((a) => a.toLowerCase()))];
  const balances = await Promise.all(unique.map((a) => token.balanceOf(a) as Promise<bigint>));
  const sum = balances.reduce((x, y) => x + y, 0n);
  const supply = (await token.totalSupply()) as bigint;
  expect(sum).toBe(supply);
  expect(supply <= ((await token.cap()) as bigint)).toBe(true);
  return supply;
}

/** Every Transfer's endpoints of the token so far: the complete list of accounts that ever held it. */
async function holdersOf(token: Contract): Promise<string[]> {
  const logs = await token.queryFilter(token.filters.Transfer!(), 0, 'latest');
  const out = new Set<string>();
  for (const l of logs) {
    const [from, to] = (l as unknown as { args: [string, string] }).args;
    if (from !== ZERO_ADDRESS) out.add(from);
    if (to !== ZERO_ADDRESS) out.add(to);
  }
  return [...out];
}

const now = async (): Promise<number> => (await provider.getBlock('latest'))!.timestamp;

describe('DacTokenFactory predeploy', () => {
  it('answers at Predeploys.DAC_TOKEN_FACTORY with no token for any DAC and no state to initialize', async () => {
    expect(await provider.getCode(DAC_TOKEN_FACTORY)).toBe(loadArtifact('DacTokenFactory').deployedBytecode);
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);
    expect(await factory.tokenOf(0)).toBe(ZERO_ADDRESS);
    expect(await factory.vestingWalletsOf(1)).toEqual([]);
    await expectRevert(factory.dacOf(alice.address), 'NoDacToken', [0n]);
    await expectRevert(factory.dacOf(ZERO_ADDRESS), 'NoDacToken', [0n]);
  });

  it('launches a capped ERC-20 with initial allocations and vesting wallets, all minted in one transaction', async () => {
    const t0 = await now();
    const vesting: Vesting[] = [
      { beneficiary: carol.address, amount: E(40_000), start: t0 + 100, duration: 1000 },
      { beneficiary: bob.address, amount: E(10_000), start: t0, duration: 0 },
    ];
    const { token, receipt } = await launch({
      dacId: 7,
      name: 'Builders Guild',
      symbol: 'BLD',
      cap: E(1_000_000),
      holders: [alice.address, bob.address],
      amounts: [E(100_000), E(50_000)],
      vesting,
    });
    recordGas('launch (2 holders, 2 vesting wallets)', receipt);
    const address = await factory.tokenOf(7);
    expect(address).not.toBe(ZERO_ADDRESS);
    expect(await factory.dacOf(address)).toBe(7n);
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);

    expect(await token.name()).toBe('Builders Guild');
    expect(await token.symbol()).toBe('BLD');
    expect(await token.decimals()).toBe(18n);
    expect(await token.cap()).toBe(E(1_000_000));
    expect(await token.minter()).toBe(DAC_TOKEN_FACTORY);
    expect(await token.dacId()).toBe(7n);
    expect(await token.balanceOf(alice.address)).toBe(E(100_000));
    expect(await token.balanceOf(bob.address)).toBe(E(50_000));

    const wallets = (await factory.vestingWalletsOf(7)) as string[];
    expect(wallets).toHaveLength(2);
    for (const [i, v] of vesting.entries()) {
      const w = vestingAt(wallets[i]!);
      expect(await w.owner()).toBe(v.beneficiary);
      expect(await w.start()).toBe(BigInt(v.start));
      expect(await w.duration()).toBe(BigInt(v.duration));
      expect(await token.balanceOf(wallets[i]!)).toBe(v.amount);
    }

    const [launched] = logsOf(receipt, 'TokenLaunched');
    expect([...launched!.args]).toEqual([7n, address, 'Builders Guild', 'BLD', E(1_000_000)]);
    const created = logsOf(receipt, 'VestingCreated').map((l) => [...l.args]);
    expect(created).toEqual([
      [7n, wallets[0], carol.address, E(40_000), BigInt(t0 + 100), 1000n],
      [7n, wallets[1], bob.address, E(10_000), BigInt(t0), 0n],
    ]);
    const minted = logsOf(receipt, 'TokenMinted').map((l) => [...l.args]);
    expect(minted).toEqual([
      [7n, alice.address, E(100_000)],
      [7n, bob.address, E(50_000)],
      [7n, wallets[0], E(40_000)],
      [7n, wallets[1], E(10_000)],
    ]);

    const supply = await expectConserved(token, await holdersOf(token));
    expect(supply).toBe(E(200_000));
  });

  it('launches a token with no allocation at all (supply 0 until a proposal mints)', async () => {
    const { token } = await launch({ dacId: 2 });
    expect(await token.totalSupply()).toBe(0n);
    expect(await factory.vestingWalletsOf(2)).toEqual([]);
  });

  it('vesting wallets release linearly to their beneficiary as time passes, and the supply is conserved', async () => {
    const t0 = await now();
    const start = t0 + 100;
    const amount = E(40_000);
    const { token } = await launch({
      holders: [alice.address],
      amounts: [E(1000)],
      vesting: [{ beneficiary: carol.address, amount, start, duration: 1000 }],
    });
    const [walletAddress] = (await factory.vestingWalletsOf(1)) as string[];
    const wallet = vestingAt(walletAddress!, carol);
    const accounts = [alice.address, carol.address, walletAddress!];

    // Before the start nothing is releasable; a release moves nothing.
    expect(await wallet.releasable(token.target)).toBe(0n);
    await mined(wallet.release(token.target));
    expect(await token.balanceOf(carol.address)).toBe(0n);

    // A quarter of the way: exactly a quarter.
    await nextBlockAt(provider, start + 250);
    const r1 = await mined(wallet.release(token.target));
    recordGas('VestingWallet.release', r1);
    expect(await token.balanceOf(carol.address)).toBe(amount / 4n);
    expect(await token.balanceOf(walletAddress!)).toBe(amount - amount / 4n);
    expect(await wallet.released(token.target)).toBe(amount / 4n);
    await expectConserved(token, accounts);

    // Anyone may trigger the release; the tokens still go to the beneficiary.
    await provider.send('evm_increaseTime', [500]);
    await provider.send('evm_mine', []);
    const ts = BigInt(await now());
    expect(await wallet.vestedAmount(token.target, ts)).toBe((amount * (ts - BigInt(start))) / 1000n);
    await nextBlockAt(provider, start + 800);
    await mined(as(wallet, bob).release(token.target));
    expect(await token.balanceOf(carol.address)).toBe((amount * 8n) / 10n);
    expect(await token.balanceOf(bob.address)).toBe(0n);
    await expectConserved(token, accounts);

    // After the end: everything, and nothing more.
    await nextBlockAt(provider, start + 5000);
    await mined(wallet.release(token.target));
    expect(await token.balanceOf(carol.address)).toBe(amount);
    expect(await token.balanceOf(walletAddress!)).toBe(0n);
    expect(await wallet.releasable(token.target)).toBe(0n);
    expect(await expectConserved(token, accounts)).toBe(amount + E(1000));
  });

  it('a vesting entry with duration 0 is a timelock: all or nothing at its start', async () => {
    const start = (await now()) + 500;
    const { token } = await launch({ vesting: [{ beneficiary: bob.address, amount: E(10), start, duration: 0 }] });
    const [w] = (await factory.vestingWalletsOf(1)) as string[];
    const wallet = vestingAt(w!, bob);
    await nextBlockAt(provider, start - 1);
    await mined(wallet.release(token.target));
    expect(await token.balanceOf(bob.address)).toBe(0n);
    await nextBlockAt(provider, start);
    await mined(wallet.release(token.target));
    expect(await token.balanceOf(bob.address)).toBe(E(10));
  });

  it('only DacProposals may launch', async () => {
    for (const w of [alice, bob]) {
      await expectRevert(launchTx({ holders: [w.address], amounts: [E(1)] }, as(factory, w)), 'NotDacProposals', [w.address]);
    }
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);
  });

  it('one token per DAC: a second launch reverts, another DAC gets its own token', async () => {
    const { token } = await launch({ dacId: 3, holders: [alice.address], amounts: [E(5)] });
    await expectRevert(launchTx({ dacId: 3, name: 'Again', symbol: 'AGN' }), 'TokenAlreadyLaunched', [3n, token.target]);
    expect(await factory.tokenOf(3)).toBe(token.target);
    const { token: other } = await launch({ dacId: 4, name: 'Other', symbol: 'OTH' });
    expect(other.target).not.toBe(token.target);
    expect(await factory.dacOf(other.target)).toBe(4n);
    expect(await factory.dacOf(token.target)).toBe(3n);
    expect(await other.name()).toBe('Other');
  });

  it('rejects malformed launches (nothing is left behind)', async () => {
    await expectRevert(launchTx({ name: '' }), 'EmptyTokenName');
    await expectRevert(launchTx({ symbol: '' }), 'EmptyTokenSymbol');
    await expectRevert(launchTx({ cap: 0n }), 'InvalidTokenCap', [0n]);
    await expectRevert(launchTx({ cap: MAX_CAP + 1n }), 'InvalidTokenCap', [MAX_CAP + 1n]);
    await expectRevert(launchTx({ holders: [alice.address, bob.address], amounts: [E(1)] }), 'AllocationLengthMismatch', [2n, 1n]);
    await expectRevert(launchTx({ holders: [alice.address], amounts: [0n] }), 'ZeroTokenAmount');
    await expectRevert(launchTx({ vesting: [{ beneficiary: bob.address, amount: 0n, start: 0, duration: 10 }] }), 'ZeroTokenAmount');
    await expectRevert(launchTx({ holders: [ZERO_ADDRESS], amounts: [E(1)] }), 'ERC20InvalidReceiver', [ZERO_ADDRESS]);
    await expectRevert(launchTx({ vesting: [{ beneficiary: ZERO_ADDRESS, amount: E(1), start: 0, duration: 10 }] }), 'OwnableInvalidOwner', [
      ZERO_ADDRESS,
    ]);
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);
    expect(await factory.vestingWalletsOf(1)).toEqual([]);
    // The largest cap ERC20Votes allows is accepted.
    const { token } = await launch({ cap: MAX_CAP, holders: [alice.address], amounts: [MAX_CAP] });
    expect(await token.totalSupply()).toBe(MAX_CAP);
  });

  it('the initial allocation cannot exceed the cap (vesting included): the whole launch reverts', async () => {
    const cap = E(1000);
    await expectRevert(launchTx({ cap, holders: [alice.address, bob.address], amounts: [E(600), E(401)] }), 'ERC20ExceededCap', [E(1001), cap]);
    await expectRevert(
      launchTx({ cap, holders: [alice.address], amounts: [E(600)], vesting: [{ beneficiary: bob.address, amount: E(400) + 1n, start: 0, duration: 1 }] }),
      'ERC20ExceededCap',
      [E(1000) + 1n, cap],
    );
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);
    // Exactly the cap is fine.
    const { token } = await launch({ cap, holders: [alice.address], amounts: [E(600)], vesting: [{ beneficiary: bob.address, amount: E(400), start: 0, duration: 1 }] });
    expect(await token.totalSupply()).toBe(cap);
  });
});

describe('minting only through DacProposals', () => {
  it('a proposal (DacProposals through the factory) mints within the cap', async () => {
    const { token } = await launch({ cap: E(1000), holders: [alice.address], amounts: [E(100)] });
    const receipt = await mined(factory.mint(1, bob.address, E(250)));
    recordGas('factory.mint', receipt);
    expect(await token.balanceOf(bob.address)).toBe(E(250));
    expect(logsOf(receipt, 'TokenMinted').map((l) => [...l.args])).toEqual([[1n, bob.address, E(250)]]);
    await mined(factory.mint(1, alice.address, E(650)));
    expect(await expectConserved(token, await holdersOf(token))).toBe(E(1000));
  });

  it('minting past the cap reverts, at launch or later', async () => {
    const cap = E(1000);
    const { token } = await launch({ cap, holders: [alice.address], amounts: [E(900)] });
    await expectRevert(factory.mint(1, bob.address, E(100) + 1n), 'ERC20ExceededCap', [cap + 1n, cap]);
    await mined(factory.mint(1, bob.address, E(100)));
    await expectRevert(factory.mint(1, bob.address, 1n), 'ERC20ExceededCap', [cap + 1n, cap]);
    expect(await expectConserved(token, [alice.address, bob.address])).toBe(cap);
  });

  it('anyone else minting reverts: on the factory and on the token, DacProposals included on the token', async () => {
    const { token } = await launch({ holders: [alice.address], amounts: [E(1)] });
    for (const w of [alice, bob]) {
      await expectRevert(as(factory, w).mint(1, w.address, E(1)), 'NotDacProposals', [w.address]);
      await expectRevert(as(token, w).mint(w.address, E(1)), 'DacTokenUnauthorizedMinter', [w.address]);
    }
    // DacProposals itself must go through the factory (the token's only minter).
    await expectRevert(as(token, proposals).mint(alice.address, E(1)), 'DacTokenUnauthorizedMinter', [DAC_PROPOSALS]);
    expect(await token.totalSupply()).toBe(E(1));
  });

  it('mint for a DAC without a token, or of zero tokens, reverts', async () => {
    await expectRevert(factory.mint(9, alice.address, E(1)), 'NoDacToken', [9n]);
    await launch({ dacId: 9 });
    await expectRevert(factory.mint(9, alice.address, 0n), 'ZeroTokenAmount');
    await expectRevert(factory.mint(9, ZERO_ADDRESS, E(1)), 'ERC20InvalidReceiver', [ZERO_ADDRESS]);
  });

  it('a token deployed outside the factory mints for nobody but its deployer, and the factory does not know it', async () => {
    const { ContractFactory } = await import('ethers');
    const art = loadArtifact('DacToken');
    const rogue = await new ContractFactory(art.abi as never, art.bytecode, alice).deploy(1, 'Fake', 'FAKE', E(10));
    await rogue.waitForDeployment();
    expect(await factory.tokenOf(1)).toBe(ZERO_ADDRESS);
    await expectRevert(factory.dacOf(rogue.target), 'NoDacToken', [0n]);
    await expectRevert(as(tokenAt(rogue.target as string), bob).mint(bob.address, 1n), 'DacTokenUnauthorizedMinter', [bob.address]);
  });
});

describe('DacToken votes and permit', () => {
  it('votes follow delegation, transfers and block-number checkpoints', async () => {
    const { token } = await launch({ holders: [alice.address, bob.address], amounts: [E(100), E(40)] });
    expect(await token.CLOCK_MODE()).toBe('mode=blocknumber&from=default');
    expect(await token.clock()).toBe(BigInt(await provider.getBlockNumber()));
    // Balances carry no votes until delegated.
    expect(await token.getVotes(alice.address)).toBe(0n);

    const a = as(token, alice);
    const b = as(token, bob);
    await mined(a.delegate(alice.address));
    const afterDelegate = await provider.getBlockNumber();
    expect(await token.delegates(alice.address)).toBe(alice.address);
    expect(await token.getVotes(alice.address)).toBe(E(100));

    await mined(b.delegate(alice.address));
    expect(await token.getVotes(alice.address)).toBe(E(140));
    const afterBob = await provider.getBlockNumber();

    await mined(a.transfer(carol.address, E(30)));
    const afterTransfer = await provider.getBlockNumber();
    expect(await token.getVotes(alice.address)).toBe(E(110));
    expect(await token.getVotes(carol.address)).toBe(0n);
    await mined(as(token, carol).delegate(carol.address));
    expect(await token.getVotes(carol.address)).toBe(E(30));

    // A mint by proposal to a delegated holder adds votes.
    await mined(factory.mint(1, bob.address, E(5)));
    expect(await token.getVotes(alice.address)).toBe(E(115));

    await provider.send('evm_mine', []);
    expect(await token.getPastVotes(alice.address, afterDelegate)).toBe(E(100));
    expect(await token.getPastVotes(alice.address, afterBob)).toBe(E(140));
    expect(await token.getPastVotes(alice.address, afterTransfer)).toBe(E(110));
    expect(await token.getPastVotes(alice.address, afterDelegate - 1)).toBe(0n);
    expect(await token.getPastTotalSupply(afterTransfer)).toBe(E(140));
    expect(await token.getPastTotalSupply(await provider.getBlockNumber() - 1)).toBe(E(145));
    await expect(token.getPastVotes(alice.address, await provider.getBlockNumber())).rejects.toThrow();

    // Redelegation moves the votes.
    await mined(b.delegate(bob.address));
    expect(await token.getVotes(alice.address)).toBe(E(70));
    expect(await token.getVotes(bob.address)).toBe(E(45));
    // Sum of votes of all delegates == delegated supply; here everything is delegated.
    expect(E(70) + E(45) + E(30)).toBe(await token.totalSupply());
    await expectConserved(token, await holdersOf(token));
  });

  it('tokens in a vesting wallet carry no votes until released and delegated', async () => {
    const start = await now();
    const { token } = await launch({ vesting: [{ beneficiary: carol.address, amount: E(100), start, duration: 0 }] });
    const [w] = (await factory.vestingWalletsOf(1)) as string[];
    expect(await token.getVotes(w!)).toBe(0n);
    await mined(as(token, carol).delegate(carol.address));
    expect(await token.getVotes(carol.address)).toBe(0n);
    await mined(vestingAt(w!, carol).release(token.target));
    expect(await token.getVotes(carol.address)).toBe(E(100));
  });

  it('permit (EIP-2612) sets an allowance from a signature; replays, other signers and late permits revert', async () => {
    const { token } = await launch({ name: 'Builders Guild', holders: [alice.address], amounts: [E(100)] });
    const { chainId } = await provider.getNetwork();
    const domain = { name: 'Builders Guild', version: '1', chainId, verifyingContract: token.target as string };
    const types = {
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    };
    const [, name, version, domainChain, verifying] = (await token.eip712Domain()) as [string, string, string, bigint, string];
    expect([name, version, domainChain, verifying]).toEqual(['Builders Guild', '1', chainId, token.target]);
    const deadline = BigInt(await now()) + 3600n;
    const value = E(25);
    const message = { owner: alice.address, spender: bob.address, value, nonce: 0n, deadline };
    const sig = Signature.from(await alice.signTypedData(domain, types, message));

    // Bob submits Alice's permit and pulls the tokens: Alice sends no transaction.
    const b = as(token, bob);
    await mined(b.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s));
    expect(await token.allowance(alice.address, bob.address)).toBe(value);
    expect(await token.nonces(alice.address)).toBe(1n);
    await mined(b.transferFrom(alice.address, carol.address, value));
    expect(await token.balanceOf(carol.address)).toBe(value);
    expect(await token.allowance(alice.address, bob.address)).toBe(0n);

    // Replay: the nonce moved, so the recovered signer is someone else.
    await expectRevert(b.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s), 'ERC2612InvalidSigner');
    // Signed by Bob for Alice's tokens.
    const forged = Signature.from(await bob.signTypedData(domain, types, { ...message, nonce: 1n }));
    await expectRevert(b.permit(alice.address, bob.address, value, deadline, forged.v, forged.r, forged.s), 'ERC2612InvalidSigner', [
      bob.address,
      alice.address,
    ]);
    // Past its deadline.
    const late = BigInt(await now()) - 1n;
    const old = Signature.from(await alice.signTypedData(domain, types, { ...message, nonce: 1n, deadline: late }));
    await expectRevert(b.permit(alice.address, bob.address, value, late, old.v, old.r, old.s), 'ERC2612ExpiredSignature', [late]);
    // An unlimited permit works too (nonce 1).
    const inf = Signature.from(await alice.signTypedData(domain, types, { ...message, value: MaxUint256, nonce: 1n }));
    await mined(b.permit(alice.address, bob.address, MaxUint256, deadline, inf.v, inf.r, inf.s));
    expect(await token.allowance(alice.address, bob.address)).toBe(MaxUint256);
    await expectConserved(token, [alice.address, bob.address, carol.address]);
  });

  it('delegateBySig delegates from a signature (EIP-712 Delegation), once per nonce', async () => {
    const { token } = await launch({ name: 'Builders Guild', holders: [alice.address], amounts: [E(60)] });
    const { chainId } = await provider.getNetwork();
    const domain = { name: 'Builders Guild', version: '1', chainId, verifyingContract: token.target as string };
    const types = {
      Delegation: [
        { name: 'delegatee', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'expiry', type: 'uint256' },
      ],
    };
    const expiry = BigInt(await now()) + 3600n;
    const sig = Signature.from(await alice.signTypedData(domain, types, { delegatee: carol.address, nonce: 0n, expiry }));
    await mined(as(token, bob).delegateBySig(carol.address, 0n, expiry, sig.v, sig.r, sig.s));
    expect(await token.delegates(alice.address)).toBe(carol.address);
    expect(await token.getVotes(carol.address)).toBe(E(60));
    expect(await token.nonces(alice.address)).toBe(1n);
    await expectRevert(as(token, bob).delegateBySig(carol.address, 0n, expiry, sig.v, sig.r, sig.s), 'InvalidAccountNonce', [alice.address, 1n]);
  });

  it('supply is conserved through a mixed sequence of mints, transfers, vesting releases and permits', async () => {
    const start = await now();
    const { token } = await launch({
      cap: E(10_000),
      holders: [alice.address, bob.address],
      amounts: [E(1000), E(500)],
      vesting: [
        { beneficiary: carol.address, amount: E(2000), start, duration: 100 },
        { beneficiary: alice.address, amount: E(300), start: start + 50, duration: 10 },
      ],
    });
    const wallets = (await factory.vestingWalletsOf(1)) as string[];
    const extra = freshAddress();
    const steps: Array<() => Promise<unknown>> = [
      () => mined(as(token, alice).transfer(bob.address, E(123))),
      () => mined(factory.mint(1, extra, E(777))),
      () => mined(vestingAt(wallets[0]!, bob).release(token.target)),
      () => mined(as(token, bob).transfer(extra, E(1))),
      () => mined(vestingAt(wallets[1]!, alice).release(token.target)),
      () => mined(factory.mint(1, carol.address, E(5))),
      () => mined(as(token, carol).transfer(alice.address, E(3))),
    ];
    let minted = E(1000) + E(500) + E(2000) + E(300);
    for (const [i, step] of steps.entries()) {
      await provider.send('evm_increaseTime', [20]);
      await step();
      if (i === 1) minted += E(777);
      if (i === 5) minted += E(5);
      expect(await expectConserved(token, await holdersOf(token))).toBe(minted);
    }
  });
});
