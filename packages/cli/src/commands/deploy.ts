import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { println } from '../io.js';
import { Connections, bridgeCommand, loadSdk, printJson } from './bridge-common.js';
import type { CommandContext } from './context.js';
import { loadWallet, type KeyOptions } from './signer.js';

export interface DeployCommandOptions extends KeyOptions {
  /** L1 JSON-RPC URL. */
  l1: string;
  /** Where the deployment file goes. */
  out: string;
  /** BondManager's unbonding delay, seconds. */
  unbondingDelay: number;
  /** Replace an existing deployment file. */
  force?: boolean;
  json?: boolean;
}

/** The environment variable `metis deploy` reads the deployer key from by default. */
export const DEPLOYER_KEY_ENV = 'METIS_DEPLOYER_KEY';
/** A week: at least the challenge window of any chain the contracts will serve. */
export const DEFAULT_UNBONDING_DELAY = 7 * 24 * 3600;
export const DEFAULT_DEPLOYMENT_FILE = './l1-deployment.json';

/**
 * `metis deploy`: deploys and wires the Metis L1 contracts (ChainRegistry, BondManager, Bridge, BatchInbox,
 * DataInbox, DaChallenge with its default response window and bond) from the deployer key and writes the
 * deployment file `l1({ contracts: '<file>' })` reads.
 * Refuses (exit 2, before sending anything) an existing file without --force, a missing key, a bad URL.
 */
export async function deploy(options: DeployCommandOptions, ctx: CommandContext): Promise<number> {
  return bridgeCommand(async () => {
    const cwd = ctx.cwd ?? process.cwd();
    const out = resolve(cwd, options.out);
    if (!options.force && (await exists(out))) {
      throw usageError(`${out} already exists: it may hold the addresses of a live deployment; choose another --out or pass --force`);
    }
    const wallet = await loadWallet(options, DEPLOYER_KEY_ENV, process.env, cwd);
    const sdk = await loadSdk();
    const { deployL1 } = await import('@metis/l1');
    const { NonceManager } = await import('ethers');
    const connections = new Connections();
    try {
      const l1 = await connections.l1(options.l1);
      const signer = wallet.connect(l1.provider);
      const balance = await l1.provider.getBalance(wallet.address);
      if (balance === 0n) throw new Error(`the deployer ${wallet.address} has no ETH on the L1 at ${options.l1} (chain id ${l1.chainId}): fund it first`);
      if (!options.json) println(ctx.io, `Deploying the Metis L1 contracts to chain ${l1.chainId} from ${wallet.address}...`);
      const deployment = await deployL1(new NonceManager(signer), { unbondingDelay: options.unbondingDelay });
      const contracts = { ...deployment.addresses, startBlock: deployment.startBlock };
      await sdk.saveDeployment(out, contracts, { overwrite: options.force ?? false });
      if (options.json) {
        printJson(ctx.io, { l1ChainId: l1.chainId, deployer: wallet.address, file: out, unbondingDelay: options.unbondingDelay, ...contracts });
        return 0;
      }
      const shown = relative(cwd, out) || out;
      println(
        ctx.io,
        `  ChainRegistry    ${contracts.chainRegistry}`,
        `  BondManager      ${contracts.bondManager}  (unbonding delay ${options.unbondingDelay} s)`,
        `  Bridge           ${contracts.bridge}`,
        `  BatchInbox       ${contracts.batchInbox}`,
        `  DataInbox        ${contracts.dataInbox}`,
        `  DaChallenge      ${contracts.daChallenge}`,
        `  RangerRegistry   ${contracts.rangerRegistry}`,
        `  RangerCertifier  ${contracts.rangerCertifier}`,
        `  RangerDisputes   ${contracts.rangerDisputes}`,
        `  start block      ${contracts.startBlock}`,
        `Wrote ${shown}. Use it in metis.config.ts:`,
        `  l1({ rpcUrl: '${options.l1}', contracts: '${shown.startsWith('.') || shown.startsWith('/') ? shown : `./${shown}`}' })`,
      );
      return 0;
    } finally {
      connections.close();
    }
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
