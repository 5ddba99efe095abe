import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, encryptKeystoreJson } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMetisError } from '@metis/core';
import { hasKey, loadWallet } from './keys.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

async function usage(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isMetisError(e, 'CLI_USAGE'), String(e)).toBe(true);
  const message = (e as Error).message;
  expect(message).not.toContain(KEY.slice(2)); // never echo a key
  return message;
}

describe('loadWallet', () => {
  let dir: string;
  let keystore: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metis-keys-'));
    keystore = join(dir, 'key.json');
    // A cheap scrypt for the test; real keystores use the defaults.
    await writeFile(keystore, await encryptKeystoreJson({ address: ADDRESS, privateKey: KEY }, 'hunter2', { scrypt: { N: 1 << 10 } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the default variable, or the one --key-env names; 0x is optional', async () => {
    expect((await loadWallet({}, 'METIS_KEY', { METIS_KEY: KEY })).address).toBe(ADDRESS);
    expect((await loadWallet({}, 'METIS_KEY', { METIS_KEY: ` ${KEY.slice(2)}\n` })).address).toBe(ADDRESS);
    expect((await loadWallet({ keyEnv: 'MY_KEY' }, 'METIS_KEY', { MY_KEY: KEY, METIS_KEY: 'junk' })).address).toBe(ADDRESS);
    expect(hasKey({}, 'METIS_KEY', { METIS_KEY: KEY })).toBe(true);
    expect(hasKey({}, 'METIS_KEY', {})).toBe(false);
    expect(hasKey({ keystore: 'x' }, 'METIS_KEY', {})).toBe(true);
  });

  it('refuses a missing or malformed key with a usage error that names the variable', async () => {
    expect(await usage(loadWallet({}, 'METIS_KEY', {}))).toMatch(/no key: set the environment variable METIS_KEY .*--key-env <NAME> or --keystore <file>/);
    expect(await usage(loadWallet({ keyEnv: 'OTHER' }, 'METIS_KEY', { METIS_KEY: KEY }))).toMatch(/OTHER/);
    expect(await usage(loadWallet({}, 'METIS_KEY', { METIS_KEY: '0x1234' }))).toMatch(/METIS_KEY does not hold a private key/);
    expect(await usage(loadWallet({}, 'METIS_KEY', { METIS_KEY: `0x${'0'.repeat(64)}` }))).toMatch(/not hold a valid private key/);
    expect(await usage(loadWallet({ keyEnv: 'bad name' }, 'METIS_KEY', {}))).toMatch(/--key-env must name an environment variable/);
    expect(await usage(loadWallet({ keyEnv: 'A', keystore: keystore }, 'METIS_KEY', {}))).toMatch(/either --keystore or --key-env/);
  });

  it('unlocks a keystore with METIS_KEYSTORE_PASSWORD', async () => {
    expect((await loadWallet({ keystore }, 'METIS_KEY', { METIS_KEYSTORE_PASSWORD: 'hunter2' })).address).toBe(ADDRESS);
    expect((await loadWallet({ keystore: 'key.json' }, 'METIS_KEY', { METIS_KEYSTORE_PASSWORD: 'hunter2' }, dir)).address).toBe(ADDRESS);
    expect(await usage(loadWallet({ keystore }, 'METIS_KEY', {}))).toMatch(/password in the environment variable METIS_KEYSTORE_PASSWORD/);
    expect(await usage(loadWallet({ keystore }, 'METIS_KEY', { METIS_KEYSTORE_PASSWORD: 'wrong' }))).toMatch(/wrong password/);
    expect(await usage(loadWallet({ keystore: join(dir, 'missing.json') }, 'METIS_KEY', { METIS_KEYSTORE_PASSWORD: 'x' }))).toMatch(/cannot read the keystore .*ENOENT/);
    await writeFile(join(dir, 'junk.json'), '{"hello": 1}');
    expect(await usage(loadWallet({ keystore: join(dir, 'junk.json') }, 'METIS_KEY', { METIS_KEYSTORE_PASSWORD: 'x' }))).toMatch(/not a JSON keystore/);
  });
});
