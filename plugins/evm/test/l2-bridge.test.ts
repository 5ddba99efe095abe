import { createAddressFromString } from '@ethereumjs/util';
import type { Hex } from '@metis/core';
import { loadArtifact } from '@metis/contracts';
import { AbiCoder, Interface } from 'ethers';
import { afterEach, describe, expect, it } from 'vitest';
import { blockBody } from '../src/chain.js';
import { L2_BRIDGE, MESSAGE_PASSER } from '../src/constants.js';
import { executeBlock } from '../src/execute/execute-block.js';
import { importBlock } from '../src/execute/import-block.js';
import { ADDRS, KEYS, deposit, genesis, openChain, pooled, tempDir, transfer } from './helpers.js';
import { view } from './rpc-helpers.js';

const ETH = 10n ** 18n;
const L1_TOKEN: Hex = '0x3333333333333333333333333333333333333333';
const bridge = loadArtifact('L2Bridge');
const passer = loadArtifact('MessagePasser');
const bridgeAbi = new Interface(bridge.abi as never);
const passerAbi = new Interface(passer.abi as never);
const tokenAbi = new Interface(loadArtifact('BridgedToken').abi as never);

function spec() {
  const g = genesis();
  return {
    ...g,
    alloc: {
      ...g.alloc,
      [L2_BRIDGE]: { balance: 0n, code: bridge.deployedBytecode },
      [MESSAGE_PASSER]: { balance: 0n, code: passer.deployedBytecode },
    },
  };
}

describe('deposits through the real L2Bridge predeploy', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const open = async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const chain = await openChain(dir, spec());
    cleanups.unshift(() => chain.close());
    return chain;
  };

  it('credits ETH, creates and mints a bridged token, and a withdrawal in the same block reaches the MessagePasser', async () => {
    const chain = await open();
    const meta = AbiCoder.defaultAbiCoder().encode(['string', 'string', 'uint8'], ['Test Token', 'TST', 6]) as Hex;
    const deposits = [deposit(0n, ADDRS[1]!, 2n * ETH), deposit(1n, ADDRS[1]!, 1_000n, { l1Token: L1_TOKEN, tokenMeta: meta })];
    // ADDRS[1], funded by deposit 0 in this very block, withdraws part of it.
    const withdraw = pooled(
      transfer(chain, KEYS[1], 0n, L2_BRIDGE, ETH / 2n, { data: bridgeAbi.encodeFunctionData('withdrawETH', [ADDRS[1]]) as Hex, gasLimit: 200_000n }),
    );
    const { block } = await executeBlock(chain, chain.nextTemplate(1n), [withdraw], deposits);
    expect(block.txHashes).toEqual([withdraw.hash]);
    expect(chain.head.stored.receipts[0]!.status).toBe(1);
    expect(chain.head.stored.deposits.map((d) => d.status)).toEqual([1, 1]);

    expect(await view(chain, bridgeAbi, L2_BRIDGE, 'nextDepositIndex')).toBe(2n);
    const l2Token = (await view(chain, bridgeAbi, L2_BRIDGE, 'l2TokenFor', [L1_TOKEN])) as Hex;
    expect(l2Token).not.toBe('0x0000000000000000000000000000000000000000');
    expect(await view(chain, tokenAbi, l2Token, 'balanceOf', [ADDRS[1]])).toBe(1_000n);
    expect(await view(chain, tokenAbi, l2Token, 'decimals')).toBe(6n);
    const account = await chain.state.getAccount(createAddressFromString(ADDRS[1]!));
    expect(account!.balance).toBeLessThan((3n * ETH) / 2n);
    expect(account!.balance).toBeGreaterThan((3n * ETH) / 2n - ETH / 100n);

    // The settlement's view: deposit logs first (txIndex -1), then the withdrawal's.
    const named = blockBody(chain.head).logs.map((l) => {
      const abi = l.address === L2_BRIDGE ? bridgeAbi : l.address === MESSAGE_PASSER ? passerAbi : tokenAbi;
      return [abi.parseLog({ topics: [...l.topics], data: l.data })?.name, l.txIndex];
    });
    expect(named).toEqual([
      ['DepositFinalized', -1],
      ['TokenCreated', -1],
      ['Transfer', -1],
      ['DepositFinalized', -1],
      ['WithdrawalInitiated', 0],
      ['WithdrawalRequested', 0],
    ]);

    // A replica re-executes it to the same block.
    const replica = await open();
    const { logs: _logs, ...body } = blockBody(chain.head);
    expect((await importBlock(replica, body)).block.hash).toBe(block.hash);
  });
});
