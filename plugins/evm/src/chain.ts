import type { BlockHeader } from '@ethereumjs/block';
import type { Common } from '@ethereumjs/common';
import { ValueEncoding, bytesToHex, createAddressFromString, equalsBytes, type Address } from '@ethereumjs/util';
import { createVM, type VM } from '@ethereumjs/vm';
import { MetisError, type BlockBody, type BlockLog, type BlockTemplate, type Hex, type Logger, type SealedBlock } from '@metis/core';
import { createEvmCommon } from './common.js';
import { DEFAULT_DEPOSIT_GAS_LIMIT, L2_BRIDGE, SYSTEM_CALLER } from './constants.js';
import type { DepositConfig } from './execute/deposits.js';
import { installFastOpcodes } from './vm/fast-opcodes.js';
import { installFastRlp } from './vm/fast-rlp.js';
import { installJumpAnalysisCache } from './vm/jump-analysis-cache.js';
import { installLazyRunState } from './vm/lazy-run-state.js';
import { Mutex } from './execute/mutex.js';
import { applyGenesis, genesisFingerprint, type GenesisSpec } from './genesis.js';
import { ChainBlock, ChainStore } from './storage/chain-store.js';
import { keys } from './storage/keys.js';
import { openChainLevel, type ChainLevel } from './storage/level.js';
import { CachedMerkleStateManager, VIEW_CACHES, stateCaches } from './state/cached-state-manager.js';
import { FastReadTrie } from './state/fast-read-trie.js';
import { TrieDB } from './storage/trie-db.js';

export interface EvmChainOptions {
  readonly dir: string;
  readonly chainId: bigint;
  readonly genesis: GenesisSpec;
  readonly coinbase: Hex;
  readonly logger: Logger;
  /** Where L1 deposits execute; defaults: L2_BRIDGE, SYSTEM_CALLER, 5,000,000 gas. */
  readonly deposits?: Partial<{ bridge: Hex; systemCaller: Hex; gasLimit: bigint }>;
}

/** Trie node cache (entries) of the chain's trie database. */
const TRIE_CACHE = 200_000;

export function sealed(block: ChainBlock): SealedBlock {
  return {
    number: block.number,
    hash: block.hash,
    parentHash: bytesToHex(block.header.parentHash) as Hex,
    timestamp: block.header.timestamp,
    stateRoot: bytesToHex(block.header.stateRoot) as Hex,
    gasUsed: block.header.gasUsed,
    txHashes: [...block.txHashes()],
    depositCount: block.depositCount,
  };
}

/**
 * What re-executing a stored block needs, and every log it emitted in block order. Logs emitted by the
 * block's deposits come first and carry `txIndex: -1` (they belong to no transaction).
 */
export function blockBody(block: ChainBlock): BlockBody {
  const logs: BlockLog[] = [];
  for (const { log, origin } of block.logs()) {
    logs.push({
      address: bytesToHex(log[0]) as Hex,
      topics: log[1].map((t) => bytesToHex(t) as Hex),
      data: bytesToHex(log[2]) as Hex,
      txIndex: origin.kind === 'tx' ? origin.index : -1,
    });
  }
  return {
    number: block.number,
    timestamp: block.header.timestamp,
    gasLimit: block.header.gasLimit,
    coinbase: block.header.coinbase.toString() as Hex,
    deposits: block.stored.deposits.map((d) => d.deposit),
    txs: block.stored.txs,
    logs,
  };
}

/**
 * The EVM chain's state: the VM over a persistent Merkle state, the block store, and the head. Every use
 * of the VM goes through `exclusive`, so calls never observe a half-executed block.
 */
export class EvmChain {
  readonly lock = new Mutex();
  private headBlock!: ChainBlock;
  /**
   * Plain ETH transfers skip the EVM (`tryPlainTransfer`, same outcome as `runTx`). Differential tests turn
   * it off on a second chain to compare every block with what `runTx` alone makes.
   */
  plainTransfers = true;

  private constructor(
    readonly common: Common,
    readonly level: ChainLevel,
    readonly trieDb: TrieDB,
    readonly state: CachedMerkleStateManager,
    readonly vm: VM,
    readonly store: ChainStore,
    readonly coinbase: Address,
    readonly logger: Logger,
    readonly depositConfig: DepositConfig,
  ) {}

  static async open(options: EvmChainOptions): Promise<EvmChain> {
    const common = createEvmCommon(options.chainId);
    await installJumpAnalysisCache();
    await installLazyRunState();
    installFastRlp();
    const level = await openChainLevel(options.dir);
    try {
      const trieDb = new TrieDB(level);
      const trie = new FastReadTrie({
        db: trieDb,
        useKeyHashing: true,
        valueEncoding: ValueEncoding.Bytes,
        cacheSize: TRIE_CACHE,
        common,
      });
      const state = new CachedMerkleStateManager({ common, trie, caches: stateCaches() });
      const store = new ChainStore(level, common);
      const blockchain = {
        getBlock: async (n: number) => {
          const block = await store.block(BigInt(n));
          if (!block) throw new Error(`block ${n} not found`);
          return { hash: () => block.header.hash() };
        },
        putBlock: async () => undefined,
        shallowCopy() {
          return this;
        },
      };
      const vm = await createVM({ common, stateManager: state, blockchain });
      installFastOpcodes(vm);
      const coinbase = createAddressFromString(options.coinbase);
      const depositConfig: DepositConfig = {
        bridge: createAddressFromString(options.deposits?.bridge ?? L2_BRIDGE),
        systemCaller: createAddressFromString(options.deposits?.systemCaller ?? SYSTEM_CALLER),
        gasLimit: options.deposits?.gasLimit ?? DEFAULT_DEPOSIT_GAS_LIMIT,
      };
      const chain = new EvmChain(common, level, trieDb, state, vm, store, coinbase, options.logger, depositConfig);
      await chain.loadOrCreateGenesis(options);
      return chain;
    } catch (e) {
      await level.close();
      throw e;
    }
  }

  private async loadOrCreateGenesis(options: EvmChainOptions): Promise<void> {
    const fingerprint = genesisFingerprint(options.chainId, options.genesis, this.depositConfig);
    const stored = await this.store.genesisMarker();
    const headNumber = await this.store.headNumber();
    if (stored && headNumber !== undefined) {
      if (!equalsBytes(stored, fingerprint)) {
        throw new MetisError('GENESIS_MISMATCH', { dir: options.dir, stored: bytesToHex(stored), configured: bytesToHex(fingerprint) });
      }
      const head = await this.store.block(headNumber);
      if (!head) throw new MetisError('STORAGE_CORRUPT', { key: `block ${headNumber}`, reason: 'head block missing' });
      await this.state.setStateRoot(head.header.stateRoot, true);
      this.headBlock = head;
      return;
    }
    const header = await applyGenesis(this.common, this.state, options.genesis);
    const storedBlock = { header: header.serialize(), txs: [], receipts: [], senders: [], deposits: [] };
    const ops = [...this.trieDb.drain(), ...this.store.blockOps(header, storedBlock, []), { type: 'put' as const, key: keys.genesis, value: fingerprint }];
    await this.store.write(ops);
    this.headBlock = (await this.store.block(0n))!;
  }

  get head(): ChainBlock {
    return this.headBlock;
  }

  get headHeader(): BlockHeader {
    return this.headBlock.header;
  }

  /** Moves the head after a block was written. */
  setHead(block: ChainBlock): void {
    this.store.remember(block);
    this.headBlock = block;
  }

  nextTemplate(timestamp: bigint): BlockTemplate {
    const parent = this.headBlock.header;
    return {
      number: parent.number + 1n,
      parentHash: this.headBlock.hash,
      timestamp: timestamp > parent.timestamp ? timestamp : parent.timestamp + 1n,
      gasLimit: parent.gasLimit,
      depositCount: this.headBlock.depositCount,
    };
  }

  /** A read-only state at a past (or the current) state root, sharing the trie database. */
  async stateAt(root: Uint8Array): Promise<CachedMerkleStateManager> {
    const trie = new FastReadTrie({
      db: this.trieDb,
      useKeyHashing: true,
      valueEncoding: ValueEncoding.Bytes,
      root,
      common: this.common,
    });
    return new CachedMerkleStateManager({ common: this.common, trie, caches: stateCaches(VIEW_CACHES) });
  }

  /** Runs a task with the VM to itself (block execution, eth_call, gas estimation). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run(task);
  }

  async close(): Promise<void> {
    await this.lock.run(async () => {
      if (this.level.status === 'open') await this.level.close();
    });
  }
}
