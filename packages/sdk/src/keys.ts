import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Wallet } from 'ethers';
import { MetisError } from '@metis/core';

/**
 * Keys for the tools that sign (the `metis` CLI, plugin commands): from an environment variable or an
 * encrypted JSON keystore, never from the command line. Errors are CLI_USAGE (METIS-701): a wrong or missing
 * key is the user's to fix, and the CLI exits with code 2 for it.
 */

/** Where a command's key comes from (at most one of the two). */
export interface KeyOptions {
  /** Name of the environment variable holding the private key (default: the command's, e.g. METIS_KEY). */
  keyEnv?: string;
  /** An encrypted JSON keystore (geth, ethers, cast), unlocked with METIS_KEYSTORE_PASSWORD. */
  keystore?: string;
}

/** The environment variable with a keystore's password. */
export const KEYSTORE_PASSWORD_ENV = 'METIS_KEYSTORE_PASSWORD';

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

const usage = (reason: string): MetisError => new MetisError('CLI_USAGE', { reason });

/** Whether a key source is configured at all (a command may then use the key's address as a default). */
export function hasKey(options: KeyOptions, defaultEnv: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.keystore !== undefined || Boolean(env[options.keyEnv ?? defaultEnv]?.trim());
}

/**
 * The wallet a command signs with: from `--keystore <file>` (password in METIS_KEYSTORE_PASSWORD), or from
 * the environment variable `--key-env <NAME>` (default `defaultEnv`). Keys are never read from the command
 * line (they would end up in shell history and process lists) and never printed.
 * @throws MetisError CLI_USAGE when no key is configured, the key is malformed, the keystore cannot be read
 *         or its password is missing or wrong
 */
export async function loadWallet(options: KeyOptions, defaultEnv: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<Wallet> {
  if (options.keystore !== undefined && options.keyEnv !== undefined) throw usage('pass either --keystore or --key-env, not both');
  if (options.keystore !== undefined) {
    const file = resolve(cwd, options.keystore);
    let json: string;
    try {
      json = await readFile(file, 'utf8');
    } catch (e) {
      throw usage(`cannot read the keystore ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const password = env[KEYSTORE_PASSWORD_ENV];
    if (password === undefined) throw usage(`the keystore ${file} needs its password in the environment variable ${KEYSTORE_PASSWORD_ENV}`);
    try {
      const wallet = await Wallet.fromEncryptedJson(json, password);
      return new Wallet(wallet.privateKey);
    } catch (e) {
      const reason = /password/i.test((e as Error).message) ? `wrong password (${KEYSTORE_PASSWORD_ENV})` : 'not a JSON keystore';
      throw usage(`cannot unlock the keystore ${file}: ${reason}`);
    }
  }
  const name = options.keyEnv ?? defaultEnv;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usage(`--key-env must name an environment variable, got "${name}"`);
  const value = env[name]?.trim();
  if (!value) {
    throw usage(`no key: set the environment variable ${name} to a private key (0x and 64 hex digits), or pass --key-env <NAME> or --keystore <file>`);
  }
  if (!PRIVATE_KEY.test(value)) throw usage(`the environment variable ${name} does not hold a private key (0x and 64 hex digits)`);
  try {
    return new Wallet(value.startsWith('0x') ? value : `0x${value}`);
  } catch {
    throw usage(`the environment variable ${name} does not hold a valid private key`);
  }
}
