import { Contract } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { MetisError, type ChainHead, type DataAvailability, type Logger } from '@metis/core';
import type { L1Connection } from '../connection.js';
import type { L1Options } from '../options.js';

export interface RegistrationOptions {
  /** Register the chain (and bond the proposer) when it is not registered yet: devnets. */
  readonly register?: L1Options['register'];
  /** A replica only reads: it never registers or bonds, whatever the options say. */
  readonly readOnly?: boolean;
}

/**
 * Checks the chain's L1 registry entry against this node (genesis state root, proposer); registers the
 * chain and bonds the proposer first when `register` is set and the chain is not registered yet (never on
 * a read-only replica, which only checks the genesis state root).
 */
export async function ensureRegistered(l1: L1Connection, chain: ChainHead, options: RegistrationOptions, da: DataAvailability, logger: Logger): Promise<void> {
  const registry = new Contract(l1.contracts.chainRegistry, loadArtifact('ChainRegistry').abi as never, l1.provider);
  const bonds = new Contract(l1.contracts.bondManager, loadArtifact('BondManager').abi as never, l1.provider);
  const code = await l1.provider.getCode(l1.contracts.chainRegistry);
  if (code === '0x') throw new MetisError('L1_CONTRACTS_MISSING', { address: l1.contracts.chainRegistry, reason: 'no contract code there' });
  const genesis = await chain.block(0n);
  const genesisRoot = genesis!.stateRoot;
  const registered = (await registry.getFunction('isRegistered')(l1.chainId)) as boolean;
  if (!registered) {
    if (!options.register || !l1.sender || options.readOnly) {
      const local = options.readOnly ? 'a chain to follow (is its sequencer started on this L1?)' : 'a chain to settle (register it, or set `register` for a devnet)';
      throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'registration', onL1: 'none', local });
    }
    const r = options.register;
    const config = {
      owner: l1.sender.address,
      sequencer: l1.sender.address,
      proposer: l1.sender.address,
      challengeWindow: r.challengeWindow,
      minBond: r.minBond,
      daKind: da.kind,
      genesisStateRoot: genesisRoot,
      inclusionWindow: r.inclusionWindow,
    };
    await l1.sender.send({ to: l1.contracts.chainRegistry, data: registry.interface.encodeFunctionData('registerChain', [l1.chainId, config]), action: 'ChainRegistry.registerChain' });
    logger.info({ chainId: l1.chainId, challengeWindow: r.challengeWindow }, 'chain registered on L1');
  }
  const cfg = (await registry.getFunction('getChain')(l1.chainId)) as { genesisStateRoot: string; proposer: string; daKind: bigint };
  if (cfg.genesisStateRoot.toLowerCase() !== genesisRoot) {
    throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'genesis state root', onL1: cfg.genesisStateRoot, local: genesisRoot });
  }
  // The batch data of the chain is where its registry entry says: a node with another DA plugin could
  // neither publish what its replicas read nor read what its sequencer published.
  if (Number(cfg.daKind) !== da.kind) {
    throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'DA kind', onL1: String(cfg.daKind), local: `${da.kind} (${da.name})` });
  }
  if (l1.sender && cfg.proposer.toLowerCase() !== l1.sender.address.toLowerCase()) {
    throw new MetisError('L1_CHAIN_MISMATCH', { chainId: l1.chainId, field: 'proposer', onL1: cfg.proposer, local: l1.sender.address });
  }
  if (!options.readOnly) await topUpBond(l1, options, logger);
}

/**
 * With `register` (devnets), bonds the proposer again when its bond fell below the chain's minimum, for
 * example after a lost challenge slashed it: otherwise the chain could not post batches any more.
 */
export async function topUpBond(l1: L1Connection, options: RegistrationOptions, logger: Logger): Promise<void> {
  if (!l1.sender || !options.register || options.readOnly) return;
  const bonds = new Contract(l1.contracts.bondManager, loadArtifact('BondManager').abi as never, l1.provider);
  if ((await bonds.getFunction('isBonded')(l1.chainId, l1.sender.address)) as boolean) return;
  await l1.sender.send({ to: l1.contracts.bondManager, data: bonds.interface.encodeFunctionData('deposit', [l1.chainId]), value: options.register.bond, action: 'BondManager.deposit' });
  logger.info({ bond: options.register.bond }, 'proposer bonded on L1');
}
