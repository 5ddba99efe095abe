/**
 * Run by the SIGKILL test in a child process (with tsx): a node with the settlement and a chain kept in a
 * file, mining a block every few ms until it is killed. Prints one line per `batch` event.
 * Usage: tsx kill-child.ts <dataDir> <chainFile>
 */
import { localSettlement } from '../index.js';
import { FakeChain, buildNode, mine, sleep } from './fakes.js';

const [dataDir, chainFile] = process.argv.slice(2);
if (!dataDir || !chainFile) throw new Error('usage: kill-child.ts <dataDir> <chainFile>');

const chain = new FakeChain({ file: chainFile });
const node = await buildNode(dataDir, chain, [localSettlement({ batchSize: 3, batchInterval: 15, finalityDelay: 20 })]);
node.events.on('batch', (b) => process.stdout.write(`batch ${b.index} ${b.firstBlock}-${b.lastBlock} ${b.status}\n`));
await node.start();
process.stdout.write('started\n');
for (;;) {
  await mine(node, chain, 1);
  await sleep(2);
}
