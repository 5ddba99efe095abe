import type { DataAvailability } from '@metis/core';
import { daConformanceSuite } from '@metis/testkit';
import type { JsonRpcProvider } from 'ethers';
import { TxSender } from '../l1/tx-sender.js';
import { l1Provider, startL1, type L1Env } from '../testing/l1-env.js';
import { CalldataDA } from './calldata-da.js';

const CHAIN_ID = 901n;
const fast = { pollIntervalMs: 20, retry: { attempts: 3, baseDelayMs: 5 } };

// One anvil (automining) with a DataInbox is the persistent storage; each open() is a new CalldataDA with its
// own provider and TxSender, as a restarted node would have.
let l1: L1Env | undefined;
daConformanceSuite(
  'calldata (anvil)',
  async () => {
    const env = await startL1();
    l1 = env;
    const dataInbox = await (await env.deploy('DataInbox')).getAddress();
    const providers = new Map<DataAvailability, JsonRpcProvider>();
    return {
      async open() {
        const provider = l1Provider(env.anvil.url);
        const sender = new TxSender(env.wallet(1, provider), provider, fast);
        const da = new CalldataDA({ chainId: CHAIN_ID, dataInbox, provider, sender, options: { retry: fast.retry } });
        providers.set(da, provider);
        return da;
      },
      async close(da) {
        providers.get(da)?.destroy();
        providers.delete(da);
      },
    };
  },
  async () => {
    await l1?.stop();
  },
);
