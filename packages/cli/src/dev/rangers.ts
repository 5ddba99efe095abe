import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { JsonRpcProvider, Wallet } from 'ethers';
import type { Logger } from '@metis/core';
import { devAccounts, formatEth } from './accounts.js';

/** Dev-mnemonic accounts of the rangers `metis dev --rangers N` starts: 20, 21, ... (funded on the L1 by the devnet). */
export const DEV_RANGER_FIRST_INDEX = 20;

/** The metis binary, with the V8 flags of its shebang (a child must get them on the command line). */
const BIN = fileURLToPath(new URL('../../bin/metis.js', import.meta.url));
const NODE_FLAGS = ['--max-semi-space-size=64'];
const WEI_PER_ETH = 10n ** 18n;

export interface DevRangersOptions {
  readonly count: number;
  readonly l1Url: string;
  /** The deployment file the sequencer wrote. */
  readonly contracts: string;
  readonly chainId: number;
  /** Each ranger keeps its data in `<dataDir>/ranger-<i>`. */
  readonly dataDir: string;
  readonly sequencerRpc: string;
  /** The devnet's genesis, passed on so the rangers' chain is the sequencer's. */
  readonly mnemonic: string;
  readonly accounts: number;
  readonly balance: string;
  readonly da: 'ipfs' | 'calldata';
  /** Stake each ranger registers with, in wei. */
  readonly stakeWei: bigint;
  /** An L1 key with ETH that funds the rangers' L1 accounts (stake plus gas). */
  readonly funderKey: string;
  readonly logLevel: string;
  readonly logger: Logger;
}

export interface DevRanger {
  readonly index: number;
  readonly address: string;
  readonly process: ChildProcess;
}

export interface DevRangers {
  readonly rangers: readonly DevRanger[];
  /** SIGTERM to each, SIGKILL after `graceMs`; resolves when all exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts the devnet's rangers: each is `metis dev --role ranger` in its own process (a replica that
 * re-executes every batch, signs and gossips attestations), with its own dev-mnemonic key, funded on the L1
 * here (stake plus 10 ETH for gas) and registered by itself at start. Their output goes to stderr, each line
 * prefixed `[ranger i]`.
 */
export async function startDevRangers(o: DevRangersOptions): Promise<DevRangers> {
  const keys = devAccounts(DEV_RANGER_FIRST_INDEX + o.count, o.mnemonic).slice(DEV_RANGER_FIRST_INDEX);
  await fund(o, keys.map((k) => k.address), o.stakeWei + 10n * WEI_PER_ETH);
  const rangers: DevRanger[] = [];
  const exited = new Map<ChildProcess, Promise<void>>();
  let stopping = false;
  for (const [i, key] of keys.entries()) {
    const args = [
      ...NODE_FLAGS,
      BIN,
      'dev',
      '--role', 'ranger',
      '--l1', o.l1Url,
      '--l1-contracts', o.contracts,
      '--chain-id', String(o.chainId),
      '--port', '0',
      '--data-dir', join(o.dataDir, `ranger-${i}`),
      '--da', o.da,
      '--accounts', String(o.accounts),
      '--balance', o.balance,
      '--mnemonic', o.mnemonic,
      '--sequencer-rpc', o.sequencerRpc,
      '--ranger-stake', formatEth(o.stakeWei),
      '--log-level', o.logLevel,
    ];
    const child = spawn(process.execPath, args, { env: { ...process.env, METIS_RANGER_KEY: key.privateKey, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => process.stderr.write(`[ranger ${i}] ${line}\n`));
    }
    exited.set(
      child,
      new Promise((resolve) =>
        child.once('exit', (code, signal) => {
          if (!stopping) o.logger.error({ ranger: i, code, signal }, 'a dev ranger exited');
          resolve();
        }),
      ),
    );
    rangers.push({ index: i, address: key.address, process: child });
  }
  o.logger.info({ rangers: rangers.map((r) => r.address), stakeEth: formatEth(o.stakeWei) }, `started ${o.count} dev ranger(s)`);
  return {
    rangers,
    async stop(graceMs = 10_000) {
      stopping = true;
      for (const r of rangers) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGTERM');
      const all = Promise.all(exited.values());
      const timer = setTimeout(() => {
        for (const r of rangers) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGKILL');
      }, graceMs);
      await all;
      clearTimeout(timer);
    },
  };
}

/** Tops up each address to `target` wei from the funder, one transaction after the other. */
async function fund(o: DevRangersOptions, addresses: readonly string[], target: bigint): Promise<void> {
  const provider = new JsonRpcProvider(o.l1Url, undefined, { staticNetwork: true, pollingInterval: 100 });
  try {
    const funder = new Wallet(o.funderKey, provider);
    let nonce = await provider.getTransactionCount(funder.address, 'pending');
    const sent = [];
    for (const address of addresses) {
      const balance = await provider.getBalance(address);
      if (balance >= target) continue;
      sent.push(await funder.sendTransaction({ to: address, value: target - balance, nonce: nonce++ }));
    }
    await Promise.all(sent.map((tx) => tx.wait()));
  } finally {
    provider.destroy();
  }
}
