import { MetisError, type Hex, type RpcNamespace } from '@metis/core';
import { assertSuccess, callRequest, capGas, runCall, withCallVm } from './call.js';
import { findBlock, pool, requireBlock, type EthContext } from './context.js';
import { estimateGas } from './estimate.js';
import { feeHistory, gasPrice, SUGGESTED_TIP } from './fees.js';
import { Filters } from './filters.js';
import { formatBlock, formatMinedTx, formatPendingTx, formatReceipt } from './format.js';
import { h, q } from './hex.js';
import { intrinsicGas } from './intrinsic.js';
import { getLogs } from './logs.js';
import { address, blockTag, bool, data, hash, invalid, quantity } from './params.js';
import { subscriptions } from './subscriptions.js';

export const CLIENT_VERSION = `metis/v0.1.0/node-${process.version}`;

/** The eth_, net_ and web3_ methods of an EVM chain. */
export function ethNamespace(ctx: EthContext): RpcNamespace & { filters: Filters } {
  const { chain } = ctx;
  const chainId = chain.common.chainId();
  const filters = new Filters(ctx);

  const stateAtTag = async (tag: unknown) => {
    const block = await requireBlock(ctx, blockTag(tag));
    return block.number === chain.head.number ? { state: chain.state, block, head: true } : { state: await chain.stateAt(block.header.stateRoot), block, head: false };
  };
  /** Reads state at a block; head reads take the lock so they never see a half-executed block. */
  const readState = async <T>(tag: unknown, read: (state: typeof chain.state) => Promise<T>): Promise<T> => {
    const at = await stateAtTag(tag);
    return at.head ? chain.exclusive(() => read(chain.state)) : read(at.state);
  };

  const methods: RpcNamespace['methods'] = {
    web3_clientVersion: () => CLIENT_VERSION,
    net_version: () => chainId.toString(),
    net_listening: () => true,
    net_peerCount: () => '0x0',
    eth_chainId: () => q(chainId),
    eth_syncing: () => false,
    eth_mining: () => false,
    eth_hashrate: () => '0x0',
    eth_coinbase: () => chain.coinbase.toString(),
    eth_accounts: () => [],
    eth_blockNumber: () => q(chain.head.number),
    eth_gasPrice: () => gasPrice(ctx),
    eth_maxPriorityFeePerGas: () => q(SUGGESTED_TIP),
    eth_blobBaseFee: () => '0x1',
    eth_feeHistory: (p) => feeHistory(ctx, p),

    eth_getBalance: (p) => readState(p[1], async (s) => q((await s.getAccount(address(p[0], 'address')))?.balance ?? 0n)),
    eth_getCode: (p) => readState(p[1], async (s) => h(await s.getCode(address(p[0], 'address')))),
    eth_getStorageAt: (p) =>
      readState(p[2], async (s) => {
        const slot = quantity(p[1], 'slot');
        const key = new Uint8Array(32);
        let v = slot;
        for (let i = 31; i >= 0 && v > 0n; i--, v >>= 8n) key[i] = Number(v & 0xffn);
        const value = await s.getStorage(address(p[0], 'address'), key);
        const out = new Uint8Array(32);
        out.set(value, 32 - value.length);
        return h(out);
      }),
    eth_getTransactionCount: async (p) => {
      const who = address(p[0], 'address');
      if (p[1] === 'pending') {
        const txPool = pool(ctx);
        if (txPool) return q(await txPool.pendingNonce(who.toString() as Hex));
      }
      return readState(p[1], async (s) => q((await s.getAccount(who))?.nonce ?? 0n));
    },

    eth_call: async (p) => {
      const req = callRequest(p[0]);
      const block = await requireBlock(ctx, blockTag(p[1]));
      const gas = capGas(ctx, req.gas);
      const { intrinsic } = intrinsicGas(req.data, req.to === undefined);
      if (gas < intrinsic) throw new MetisError('RPC_EXECUTION_FAILED', { reason: `intrinsic gas too low: have ${gas}, want ${intrinsic}` });
      return withCallVm(ctx, block, p[2], async (vm, env) => {
        const result = await runCall(vm, env, req, gas - intrinsic);
        assertSuccess(result);
        return h(result.execResult.returnValue);
      });
    },
    eth_estimateGas: async (p) => {
      const req = callRequest(p[0]);
      const block = await requireBlock(ctx, blockTag(p[1] ?? 'latest'));
      const cap = capGas(ctx, req.gas);
      return q(await withCallVm(ctx, block, p[2], (vm, env) => estimateGas(vm, env, req, cap)));
    },

    eth_sendRawTransaction: async (p) => {
      const raw = data(p[0], 'transaction');
      const result = await ctx.stages.run('ingest', { raw, source: 'rpc', meta: {} });
      if (!result.accepted) throw new MetisError('RPC_INTERNAL', { reason: 'transaction was not accepted' });
      return result.accepted.hash;
    },

    eth_getBlockByNumber: async (p) => {
      const block = await findBlock(ctx, blockTag(p[0]));
      return block ? formatBlock(block, bool(p[1], 'fullTransactions')) : null;
    },
    eth_getBlockByHash: async (p) => {
      const block = await findBlock(ctx, { kind: 'hash', hash: hash(p[0], 'blockHash'), requireCanonical: false });
      return block ? formatBlock(block, bool(p[1], 'fullTransactions')) : null;
    },
    eth_getBlockTransactionCountByNumber: async (p) => {
      const block = await findBlock(ctx, blockTag(p[0]));
      return block ? q(block.stored.txs.length) : null;
    },
    eth_getBlockTransactionCountByHash: async (p) => {
      const block = await findBlock(ctx, { kind: 'hash', hash: hash(p[0], 'blockHash'), requireCanonical: false });
      return block ? q(block.stored.txs.length) : null;
    },
    eth_getUncleCountByBlockNumber: () => '0x0',
    eth_getUncleCountByBlockHash: () => '0x0',
    eth_getBlockReceipts: async (p) => {
      const block = await findBlock(ctx, blockTag(p[0]));
      return block ? block.stored.txs.map((_, i) => formatReceipt(block, i)) : null;
    },
    eth_getTransactionByHash: async (p) => {
      const txHash = hash(p[0], 'transactionHash');
      const at = await chain.store.txLocation(txHash);
      if (at) {
        const block = await chain.store.block(at.block);
        if (block) return formatMinedTx(block, at.index);
      }
      const pending = pool(ctx)?.get(txHash);
      return pending ? formatPendingTx(pending) : null;
    },
    eth_getTransactionByBlockNumberAndIndex: async (p) => {
      const block = await findBlock(ctx, blockTag(p[0]));
      const i = Number(quantity(p[1], 'index'));
      return block && i < block.stored.txs.length ? formatMinedTx(block, i) : null;
    },
    eth_getTransactionByBlockHashAndIndex: async (p) => {
      const block = await findBlock(ctx, { kind: 'hash', hash: hash(p[0], 'blockHash'), requireCanonical: false });
      const i = Number(quantity(p[1], 'index'));
      return block && i < block.stored.txs.length ? formatMinedTx(block, i) : null;
    },
    eth_getTransactionReceipt: async (p) => {
      const txHash = hash(p[0], 'transactionHash');
      // A transaction still in the pool is in no block (the pool lets go of a block's transactions after
      // the block is stored, and the recent index has them from then on): the usual poll of a pending
      // transaction reads no disk.
      const at = chain.store.recentTxLocation(txHash) ?? (pool(ctx)?.get(txHash) ? undefined : await chain.store.txLocation(txHash));
      if (!at) return null;
      const block = await chain.store.block(at.block);
      return block ? formatReceipt(block, at.index) : null;
    },
    eth_getLogs: (p) => getLogs(ctx, p[0]),

    eth_newFilter: (p) => filters.newLogFilter(p[0]),
    eth_newBlockFilter: () => filters.newBlockFilter(),
    eth_newPendingTransactionFilter: () => filters.newPendingFilter(),
    eth_getFilterChanges: (p) => filters.changes(p[0]),
    eth_getFilterLogs: (p) => filters.logs(p[0]),
    eth_uninstallFilter: (p) => filters.uninstall(p[0]),
  };
  return { methods, subscriptions: subscriptions(ctx), filters };
}
