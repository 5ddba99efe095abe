import type { Contract, JsonRpcProvider, Wallet } from 'ethers';
import { keccak256, randomBytes, hexlify } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployL1, startAnvil, type Anvil } from '@metis/testkit';
import { devWallets, eventOf, expectRevert, makeProvider, mined, printGas, recordGas } from './helpers.js';

let anvil: Anvil;
let provider: JsonRpcProvider;
let publisher: Wallet;
let inbox: Contract;

beforeAll(async () => {
  anvil = await startAnvil();
  provider = makeProvider(anvil.url);
  [publisher] = devWallets(provider, 1) as [Wallet];
  ({ dataInbox: inbox } = await deployL1(publisher, { unbondingDelay: 3600 }));
});

afterAll(async () => {
  printGas('data-inbox');
  provider?.destroy();
  await anvil?.stop();
});

describe('DataInbox', () => {
  it('emits the hash, the length and the publisher; the data is read back from the calldata', async () => {
    const data = hexlify(randomBytes(10_000));
    const receipt = await mined(inbox.publish(901, data));
    recordGas('DataInbox.publish (10,000 bytes)', receipt);
    const ev = eventOf(inbox, receipt, 'DataPublished');
    expect(ev.args.chainId).toBe(901n);
    expect(ev.args.dataHash).toBe(keccak256(data));
    expect(ev.args.dataLength).toBe(10_000n);
    expect(ev.args.publisher).toBe(publisher.address);

    // An off-chain reader finds the transaction by the event and decodes the data from its input.
    const [log] = await provider.getLogs({ address: inbox.target as string, topics: [null, null, keccak256(data)], fromBlock: 0 });
    const tx = await provider.getTransaction(log!.transactionHash);
    const decoded = inbox.interface.decodeFunctionData('publish', tx!.data);
    expect(decoded[0]).toBe(901n);
    expect(decoded[1]).toBe(data);
    expect(keccak256(decoded[1])).toBe(ev.args.dataHash);
  });

  it('stores nothing', async () => {
    const before = await provider.getStorage(inbox.target as string, 0);
    await mined(inbox.publish(1, '0x1234'));
    expect(await provider.getStorage(inbox.target as string, 0)).toBe(before);
  });

  it('rejects empty data', async () => {
    await expectRevert(inbox.publish(901, '0x'), 'EmptyData', []);
  });
});
