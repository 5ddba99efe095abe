import { join } from 'node:path';
import { Wallet, ZeroAddress } from 'ethers';
import { CHAIN_HEAD, MetisError, RPC_NAMESPACES, type Hex, type Logger, type PluginApi } from '@metis/core';
import { BatchLog, L1_CONNECTION, TxSender, type BatchVerdict, type L1Connection } from '@metis/l1';
import { rangerDomain } from './attestation/index.js';
import { RangerGossip } from './gossip/index.js';
import { L1RangerView } from './l1/l1-view.js';
import { RangerL1, rangerErrorInterface, type RangerAddresses } from './l1/ranger-l1.js';
import { Attester } from './node/attester.js';
import { CertificateSubmitter, type Certified } from './node/certificate-submitter.js';
import { Disputer } from './node/disputer.js';
import { EquivocationReporter } from './node/equivocation-reporter.js';
import { SignedLog } from './node/signed-log.js';
import { rangerStatusNamespace, type RangerStatus } from './node/status.js';
import { Ticker } from './node/ticker.js';
import type { RangersOptions } from './options.js';

/** How long a ranger that must register waits for the chain owner to configure the rangers. */
const CONFIGURE_WAIT_MS = 120_000;
const CONFIGURE_POLL_MS = 1_000;

export const missingKey = (env: string): string => `a ranger (a replica with the rangers plugin) needs its key: the option key, or the environment variable ${env}`;

/** Attestations are sent again every this many L1 polls while their batch is not final. */
const REPUBLISH_EVERY = 5;

function addressesOf(conn: L1Connection): RangerAddresses {
  const c = conn.contracts;
  if (!c.rangerRegistry || !c.rangerCertifier || !c.rangerDisputes) {
    throw new MetisError('L1_CONTRACTS_MISSING', { address: 'rangerRegistry/rangerCertifier/rangerDisputes', reason: 'the L1 deployment has no ranger contracts (deployed by metis deploy / metis dev since the rangers exist)' });
  }
  return { registry: c.rangerRegistry as Hex, certifier: c.rangerCertifier as Hex, disputes: c.rangerDisputes as Hex, inbox: c.batchInbox as Hex };
}

/** The multiaddr registered on L1 for this node: `announce`, or the first listen address with its peer id. */
function announced(options: RangersOptions, gossip: RangerGossip): string {
  if (options.announce) return options.announce.includes('/p2p/') ? options.announce : `${options.announce}/p2p/${gossip.peerId}`;
  const own = gossip.multiaddrs();
  return own[0] ?? `/p2p/${gossip.peerId}`;
}

/** Wires the rangers into a node: a ranger on a replica, the certificate collector on a sequencer. */
export function setupRangers(api: PluginApi<RangersOptions>): void {
  const { options, container, logger, events } = api;
  const role = api.config.role === 'replica' ? 'ranger' : 'sequencer';
  const l2ChainId = BigInt(api.config.chainId);
  const key = role === 'ranger' ? (options.key ?? process.env[options.keyEnv]) : undefined;
  if (role === 'ranger' && !key) {
    throw new MetisError('CONFIG_INVALID', { count: 1, details: `  rangers.key: ${missingKey(options.keyEnv)}` });
  }

  // Verdicts may come as soon as the replica starts deriving, before this plugin's start hook: kept until ready.
  let onVerdict: ((v: BatchVerdict) => void) | undefined;
  const early: BatchVerdict[] = [];
  const offVerdict = events.on('batchVerdict', (v) => (onVerdict ? onVerdict(v) : early.push(v)));

  let gossip: RangerGossip | undefined;
  let status: (() => RangerStatus) | undefined;
  const tickers: Ticker[] = [];
  container.add(RPC_NAMESPACES, rangerStatusNamespace(() => status?.()));

  api.onStart(async () => {
    const conn = container.resolve(L1_CONNECTION);
    container.resolve(CHAIN_HEAD);
    const c = conn.contracts;
    if (role === 'sequencer' && (!c.rangerRegistry || !c.rangerCertifier || !c.rangerDisputes)) {
      logger.warn('rangers: the L1 deployment has no ranger contracts; batches finalize by their challenge window only');
      return;
    }
    const addresses = addressesOf(conn);
    const l1ChainId = (await conn.provider.getNetwork()).chainId;
    const wallet = key ? new Wallet(key) : undefined;
    const sender = wallet
      ? new TxSender(wallet, conn.provider, options.sender, { errorInterface: rangerErrorInterface(), onEvent: (e) => logger.debug({ l1: e }, 'ranger L1 sender') })
      : conn.sender;
    const send = sender ? (req: { to: Hex; data: Hex; value?: bigint; gasLimit?: bigint }, action: string) => sender.send({ ...req, action }) : undefined;
    const l1 = new RangerL1(conn.provider, addresses, l2ChainId, send, sender?.address);
    const source = new BatchLog(conn.provider, { chainId: l2ChainId, inbox: addresses.inbox, startBlock: conn.contracts.startBlock, confirmations: 0, maxLogRange: 2_000 }, logger);
    const view = new L1RangerView(l1, source);
    await view.refresh();
    const domain = rangerDomain(l1ChainId, addresses.registry);
    const dir = await api.dataDir();
    gossip = await RangerGossip.start({ l2ChainId, domain, view, keyDir: join(dir, 'p2p'), listen: options.listen, peers: options.peers, logger });
    const g = gossip;

    const certified: Certified[] = [];
    const challenged: bigint[] = [];
    const main = new Ticker('rangers', async () => work(), options.pollIntervalMs, logger);
    const submitter = new CertificateSubmitter({
      l1,
      view,
      attestations: (i) => g.attestations(i),
      logger,
      delayMs: role === 'ranger' ? options.certifyDelayMs : 0,
      onCertified: (c) => {
        certified.push(c);
        if (certified.length > 64) certified.shift();
        main.wake();
      },
    });
    const disputer = new Disputer(
      { l1, view, attestations: (i) => g.attestations(i), logger, ...(role === 'ranger' ? { bond: options.challengeBond } : {}) },
      (e) => {
        if (e.type === 'challenged') challenged.push(e.batchIndex);
      },
    );
    const reporter = new EquivocationReporter(l1, logger);
    g.on('attestation', () => main.wake());
    g.on('equivocation', ({ evidence }) => {
      reporter.add(evidence);
      main.wake();
    });

    let attester: Attester | undefined;
    if (role === 'ranger' && wallet) {
      const log = await SignedLog.open(join(dir, 'signed-attestations.jsonl'));
      attester = new Attester({ l2ChainId, domain, signer: wallet, log, gossip: g, logger, isFinal: (i) => view.isFinal(i) });
      await ensureRegistered(l1, wallet.address.toLowerCase() as Hex, announced(options, g), options, logger);
      const a = attester;
      onVerdict = (v) => {
        disputer.note(v);
        a.attest(v)
          .then(() => main.wake())
          .catch((e: unknown) => logger.error({ err: e, batch: v.batch.batchIndex }, 'attestation failed'));
      };
    } else {
      await configureIfAsked(l1, conn, options, logger);
      onVerdict = () => undefined;
    }
    for (const v of early.splice(0)) onVerdict(v);

    let polls = 0;
    async function work(): Promise<void> {
      if (attester && ++polls % REPUBLISH_EVERY === 0) attester.republish();
      await submitter.tick();
      await disputer.tick();
      await reporter.tick();
      g.pruneBelow(view.firstOpen > 16n ? view.firstOpen - 16n : 0n);
    }

    const own = wallet?.address.toLowerCase();
    const peers = new Ticker('ranger peers', async () => {
      const found: string[] = [];
      for (const operator of await l1.operators()) {
        const info = await l1.ranger(operator);
        if (info.signer === own || info.stake === 0n || !info.peerId.startsWith('/') || !info.peerId.includes('/p2p/')) continue;
        if (info.peerId.endsWith(`/p2p/${g.peerId}`)) continue;
        found.push(info.peerId);
      }
      if (found.length > 0) g.addPeers(found);
    }, options.peerRefreshMs, logger);
    tickers.push(main, peers);
    main.start();
    peers.start();

    status = () => ({
      role,
      peerId: g.peerId,
      multiaddrs: g.multiaddrs(),
      connectedPeers: g.connectedPeers().length,
      peers: g.connectedPeers().map((peerId) => ({ peerId, score: g.scoreOf(peerId) })),
      ...(own ? { signer: own } : {}),
      firstOpenBatch: view.firstOpen,
      l1Batches: view.count,
      attestations: g.batches().filter((b) => b >= view.firstOpen).map((b) => ({ batch: b, count: g.attestations(b).length })),
      certified: certified.map((c) => ({ batch: c.batchIndex, signers: c.signers, ...(c.secondsAfterAppend === undefined ? {} : { secondsAfterAppend: c.secondsAfterAppend }) })),
      challenged: [...challenged],
      equivocations: g.equivocations().length,
    });
    logger.info({ role, peerId: g.peerId, listen: g.multiaddrs(), signer: own ?? 'none', registry: addresses.registry }, role === 'ranger' ? 'ranger started: attesting every batch it re-executes' : 'rangers: collecting attestations for quorum certificates');
  });

  api.onStop(async () => {
    offVerdict();
    onVerdict = () => undefined;
    for (const t of tickers) await t.stop();
    await gossip?.stop();
  });
}

/** A ranger registers itself (with `stake`) when it is not registered yet, and keeps its registered address current. */
async function ensureRegistered(l1: RangerL1, address: Hex, peer: string, options: RangersOptions, logger: Logger): Promise<void> {
  const info = await l1.ranger(address);
  if (info.signer !== ZeroAddress.toLowerCase()) {
    if (info.peerId !== peer) {
      await l1.setPeerId(peer);
      logger.info({ peer }, 'ranger address updated on L1');
    }
    const { minStake } = await l1.stakeConfig();
    if (info.stake < minStake) logger.warn({ stake: info.stake, minStake }, 'this ranger has less than the minimum stake: its attestations do not count');
    return;
  }
  if (options.stake === undefined) {
    logger.warn({ operator: address }, 'not a registered ranger: attestations are signed and gossiped but do not count (register on the RangerRegistry, or set the stake option)');
    return;
  }
  for (let waited = 0; !(await l1.stakeConfig()).configured; waited += CONFIGURE_POLL_MS) {
    if (waited === 0) logger.warn("waiting for the chain's ranger settings on L1 (its owner sets them: the sequencer's rangers({ configure }))");
    if (waited >= CONFIGURE_WAIT_MS) {
      throw new MetisError('L1_TX_FAILED', { action: 'RangerRegistry.register', reason: "the chain's ranger settings are not configured on L1" });
    }
    await new Promise((r) => setTimeout(r, CONFIGURE_POLL_MS));
  }
  const receipt = await l1.register(address, peer, options.stake);
  logger.info({ operator: address, stake: options.stake, peer, l1Tx: receipt.hash }, 'registered as a ranger on L1');
}

/** The sequencer sets the chain's ranger settings when asked (`configure`) and nobody did. */
async function configureIfAsked(l1: RangerL1, conn: L1Connection, options: RangersOptions, logger: Logger): Promise<void> {
  if (!options.configure) return;
  const config = await l1.stakeConfig();
  if (config.configured) return;
  if (!l1.canSend) throw new MetisError('L1_TX_FAILED', { action: 'RangerRegistry.configureChain', reason: 'this node has no L1 key' });
  const receipt = await l1.configureChain(ZeroAddress as Hex, options.configure.minStake, BigInt(options.configure.unbondingDelay));
  logger.info({ minStake: options.configure.minStake, unbondingDelay: options.configure.unbondingDelay, proposer: conn.proposer, l1Tx: receipt.hash }, "rangers configured on L1 for this chain (ETH stake)");
}
