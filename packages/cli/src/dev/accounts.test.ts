import { describe, expect, it } from 'vitest';
import { DEV_MNEMONIC, devAccounts, devAlloc, formatEth, parseEth } from './accounts.js';
import { devBanner } from './banner.js';

// The well-known Hardhat/anvil accounts of "test test ... junk".
const KNOWN = [
  ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'],
  ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'],
  ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'],
] as const;

describe('devAccounts', () => {
  it('derives the Hardhat/anvil accounts from the default mnemonic', () => {
    const accounts = devAccounts();
    expect(accounts).toHaveLength(10);
    expect(accounts[0]).toEqual({ index: 0, address: KNOWN[0][0], privateKey: KNOWN[0][1] });
    KNOWN.forEach(([address, privateKey], i) => {
      expect(accounts[i]!.address).toBe(address);
      expect(accounts[i]!.privateKey).toBe(privateKey);
    });
    expect(accounts[9]!.address).toBe('0xa0Ee7A142d267C1f36714E4a8F75612F20a79720');
  });

  it('takes a count and another mnemonic', () => {
    expect(devAccounts(0)).toEqual([]);
    expect(devAccounts(3).map((a) => a.address)).toEqual(KNOWN.map(([a]) => a));
    const other = devAccounts(2, 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
    expect(other[0]!.address).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
    expect(other[0]!.address).not.toBe(KNOWN[0][0]);
  });

  it('rejects an invalid mnemonic or count with CLI_USAGE', () => {
    expect(() => devAccounts(1, 'not a mnemonic')).toThrow(expect.objectContaining({ code: 'METIS-701' }));
    expect(() => devAccounts(-1)).toThrow(expect.objectContaining({ code: 'METIS-701' }));
    expect(DEV_MNEMONIC.split(' ')).toHaveLength(12);
  });
});

describe('ether amounts', () => {
  it('parses and formats without losing precision', () => {
    expect(parseEth('10000')).toBe(10_000n * 10n ** 18n);
    expect(parseEth('0.5')).toBe(5n * 10n ** 17n);
    expect(parseEth('1.000000000000000001')).toBe(10n ** 18n + 1n);
    expect(formatEth(10_000n * 10n ** 18n)).toBe('10000');
    expect(formatEth(15n * 10n ** 17n)).toBe('1.5');
    expect(() => parseEth('-1')).toThrow(expect.objectContaining({ code: 'METIS-701' }));
    expect(() => parseEth('1e18')).toThrow(expect.objectContaining({ code: 'METIS-701' }));
  });

  it('builds a genesis alloc', () => {
    expect(devAlloc(devAccounts(2), 7n)).toEqual({ [KNOWN[0][0]]: { balance: 7n }, [KNOWN[1][0]]: { balance: 7n } });
  });
});

describe('devBanner', () => {
  it('lists accounts, keys, mnemonic and chain id', () => {
    const text = devBanner({
      accounts: devAccounts(2),
      balanceWei: parseEth('10000'),
      mnemonic: DEV_MNEMONIC,
      chainId: 1337,
      blockTime: 1000,
      dataDir: '/tmp/metis-dev-x',
      temporary: true,
    }).join('\n');
    expect(text).toContain(`(0) ${KNOWN[0][0]} (10000 ETH)`);
    expect(text).toContain(`(1) ${KNOWN[1][1]}`);
    expect(text).toContain(`Mnemonic:          ${DEV_MNEMONIC}`);
    expect(text).toMatch(/Chain ID\n=+\n1337/);
    expect(text).toContain('removed on exit');
  });
});
