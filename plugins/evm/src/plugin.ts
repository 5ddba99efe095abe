import { BLOCK_IMPORTER, CHAIN_HEAD, GENESIS_ACCOUNTS, RPC_NAMESPACES, STAGES_RUNNER, definePlugin, type Hex } from '@metis/core';
import { EVM_CALL, EVM_STATE } from './capabilities.js';
import { evmOptionsSchema } from './options.js';

/**
 * The EVM execution plugin: the execute-stage provider on @ethereumjs/vm with persistent Merkle state,
 * L1 deposits credited as system calls to the L2 bridge, the block store and its indexes, the
 * committed-head view for the mempool, read-only calls at the head for other plugins (EVM_CALL), block import for replicas, and the `eth_` namespace.
 */
export const evm = definePlugin({
  id: 'evm',
  stages: ['execute'],
  provides: [EVM_STATE, EVM_CALL, CHAIN_HEAD, BLOCK_IMPORTER],
  options: evmOptionsSchema,
  async setup(api) {
    const { EvmChain, blockBody, sealed } = await import('./chain.js');
    const { executeBlock } = await import('./execute/execute-block.js');
    const { importBlock } = await import('./execute/import-block.js');
    const { mergeGenesisAlloc } = await import('./genesis.js');
    const { HeadStateView } = await import('./state/head-view.js');
    const { ethNamespace } = await import('./rpc/namespace.js');
    const { nativeEcrecover } = await import('./crypto/ecrecover.js');
    const { headCaller } = await import('./rpc/head-call.js');

    const options = api.options;
    const alloc = mergeGenesisAlloc(options.genesis.alloc as never, api.container.tryResolve(GENESIS_ACCOUNTS));
    const chain = await EvmChain.open({
      dir: await api.dataDir(),
      chainId: BigInt(api.config.chainId),
      genesis: { ...options.genesis, alloc, extraData: options.genesis.extraData as Hex },
      coinbase: options.coinbase as Hex,
      deposits: { bridge: options.l2Bridge as Hex, systemCaller: options.systemCaller as Hex, gasLimit: options.depositGasLimit },
      logger: api.logger,
    });
    api.onStop(() => chain.close());
    if (!nativeEcrecover) api.logger.warn('native secp256k1 not available: sender recovery uses the pure-JS path');
    api.logger.info({ head: chain.head.number, hash: chain.head.hash, deposits: chain.head.depositCount }, 'EVM chain opened');

    const view = new HeadStateView(chain);
    api.container.value(EVM_STATE, view);
    api.container.value(EVM_CALL, headCaller(chain, options));
    api.container.value(CHAIN_HEAD, {
      head: () => sealed(chain.head),
      block: async (n) => {
        const b = await chain.store.block(n);
        return b ? sealed(b) : undefined;
      },
      nextTemplate: (timestamp) => chain.nextTemplate(timestamp),
      body: async (n) => {
        const b = await chain.store.block(n);
        return b ? blockBody(b) : undefined;
      },
    });
    api.container.value(BLOCK_IMPORTER, {
      importBlock: async (b) => {
        const { block, chainBlock, accounts } = await importBlock(chain, b);
        view.onHead(chainBlock, accounts);
        api.events.emit('block', block);
        return block;
      },
    });

    api.provide('execute', async (ctx) => {
      const result = await executeBlock(chain, ctx.template, ctx.txs, ctx.deposits);
      view.onHead(result.chainBlock, result.accounts);
      ctx.block = result.block;
      ctx.dropped.push(...result.dropped);
      api.events.emit('block', result.block);
    });

    api.container.add(
      RPC_NAMESPACES,
      ethNamespace({ chain, view, options, container: api.container, stages: api.container.resolve(STAGES_RUNNER), events: api.events }),
    );
  },
});
