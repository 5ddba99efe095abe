/**
 * Key loading lives in @metis/sdk (`loadWallet`, `hasKey`: packages/sdk/src/keys.ts), so plugin commands use
 * it too. Loaded when a command signs, not when the program starts: `metis --help` stays fast.
 */
import type { KeyOptions, loadWallet as LoadWallet } from '@metis/sdk';

export type { KeyOptions };

/** The environment variable with a keystore's password (the sdk's KEYSTORE_PASSWORD_ENV). */
export const KEYSTORE_PASSWORD_ENV = 'METIS_KEYSTORE_PASSWORD';

export async function loadWallet(...args: Parameters<typeof LoadWallet>): ReturnType<typeof LoadWallet> {
  const sdk = await import('@metis/sdk');
  return sdk.loadWallet(...args);
}
