// Keys, setup and pre-signed transactions of the benchmark. Everything here is signed offline with ethers,
// once, so both chains receive exactly the same bytes.
import { Interface, Wallet, getCreateAddress, id as keccakUtf8, keccak256, parseEther, parseUnits } from 'ethers';
import { loadArtifact } from '../../contracts/index.mjs';
import { call, chunk, collectReceipts, sendRawBatches } from './rpc.mjs';

export const CHAIN_ID = 1337;
/** The first Hardhat/anvil dev key: funded with 10,000 ETH by both anvil and `metis dev`. */
export const DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

const MAX_FEE = parseUnits('100', 'gwei');
const PRIORITY_FEE = parseUnits('1', 'gwei');
const ETH_GAS = 21_000n;
const ERC20_GAS = 60_000n;
const DEPLOY_GAS = 3_000_000n;
const BATCH_TRANSFER_GAS = 10_000_000n;

/** Setup funding per sender. */
const SENDER_ETH = parseEther('1');
const SENDER_TOKENS = parseUnits('1000', 18);
const INITIAL_SUPPLY = parseUnits('1000000000', 18);
/** Token funding: recipients per batchTransfer call. */
const TOKENS_PER_BATCH_TRANSFER = 250;
/**
 * Account 0's setup transactions go out in waves of this many consecutive nonces, each wave waiting for its
 * receipts: the Metis mempool rejects nonces more than 64 ahead of the account's state nonce.
 */
const SETUP_WAVE = 50;

/** Amount of the k-th measured transfer of a sender (nonce offset k = 0, 1, ...): distinct, easy to sum. */
const tokenAmount = (k) => parseUnits(String(k + 1), 18);
const ethAmount = (k) => parseUnits(String(k + 1), 'gwei');

const tokenArtifact = loadArtifact('MetisTestToken');
const tokenIface = new Interface(tokenArtifact.abi);

/**
 * Deterministic accounts: sender i has key keccak256("metis-bench-" + i); each sender sends all its measured
 * transfers to its own fresh recipient (keccak256("metis-bench-recipient-" + i)).
 */
export function deriveAccounts(count) {
  const senders = [];
  const recipients = [];
  for (let i = 0; i < count; i++) {
    senders.push(new Wallet(keccakUtf8(`metis-bench-${i}`)));
    recipients.push(new Wallet(keccakUtf8(`metis-bench-recipient-${i}`)).address);
  }
  return { senders, recipients };
}

async function sign(wallet, tx, label) {
  const raw = await wallet.signTransaction({ type: 2, chainId: CHAIN_ID, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: PRIORITY_FEE, value: 0n, data: '0x', ...tx });
  return { raw, hash: keccak256(raw), label };
}

/**
 * The setup, signed by dev account 0 from nonce 0: deploy MetisTestToken (nonce 0, so the token address is
 * the same on both chains), fund every sender with tokens (batchTransfer, 250 per call), then with ETH.
 * Returns { tokenAddress, deployer, waves: [[{ raw, hash, label }]] }.
 */
export async function signSetup(senders) {
  const deployer = new Wallet(DEV_KEY);
  let nonce = 0;
  const txs = [];
  const deployData = tokenArtifact.bytecode + tokenIface.encodeDeploy(['Metis Bench Token', 'MBT', INITIAL_SUPPLY]).slice(2);
  txs.push(await sign(deployer, { nonce: nonce++, to: null, data: deployData, gasLimit: DEPLOY_GAS }, 'deploy MetisTestToken'));
  const tokenAddress = getCreateAddress({ from: deployer.address, nonce: 0 });
  for (const part of chunk(senders.map((w) => w.address), TOKENS_PER_BATCH_TRANSFER)) {
    const data = tokenIface.encodeFunctionData('batchTransfer', [part, SENDER_TOKENS]);
    txs.push(await sign(deployer, { nonce: nonce++, to: tokenAddress, data, gasLimit: BATCH_TRANSFER_GAS }, `batchTransfer to ${part.length}`));
  }
  for (const w of senders) {
    txs.push(await sign(deployer, { nonce: nonce++, to: w.address, value: SENDER_ETH, gasLimit: ETH_GAS }, `fund ${w.address}`));
  }
  return { tokenAddress, deployer: deployer.address, waves: chunk(txs, SETUP_WAVE), count: txs.length };
}

/** Sends the setup waves to one chain and waits for every receipt (mining on anvil). Not timed. */
export async function runSetup(node, setup) {
  const nonce = await call(node.url, 'eth_getTransactionCount', [setup.deployer, 'latest']);
  if (Number(nonce) !== 0) throw new Error(`${node.name}: dev account 0 has nonce ${Number(nonce)}, expected a fresh chain (0)`);
  for (const wave of setup.waves) {
    await sendRawBatches(node.url, wave);
    await collectReceipts(node.url, wave.map((t) => t.hash), { mine: node.mine, timeoutMs: 120_000, stallMs: 60_000 });
  }
  const code = await call(node.url, 'eth_getCode', [setup.tokenAddress, 'latest']);
  if (!code || code === '0x') throw new Error(`${node.name}: no code at the token address ${setup.tokenAddress} after setup`);
}

/**
 * Pre-signs one workload: `nonces` transfers per sender starting at `firstNonce`, in send order (every
 * sender's first nonce, then every sender's second, ...). kind 'erc20': token transfer of k+1 tokens to the
 * sender's recipient (gas 60,000); kind 'eth': k+1 gwei to the recipient (gas 21,000).
 */
export async function signWorkload(kind, { senders, recipients, tokenAddress, nonces, firstNonce }) {
  const txs = [];
  for (let k = 0; k < nonces; k++) {
    for (let i = 0; i < senders.length; i++) {
      const nonce = firstNonce + k;
      const tx =
        kind === 'erc20'
          ? { nonce, to: tokenAddress, data: tokenIface.encodeFunctionData('transfer', [recipients[i], tokenAmount(k)]), gasLimit: ERC20_GAS }
          : { nonce, to: recipients[i], value: ethAmount(k), gasLimit: ETH_GAS };
      txs.push(await sign(senders[i], tx, `${kind} sender ${i} nonce ${nonce}`));
    }
  }
  return txs;
}

/** Sum of the amounts of `nonces` measured transfers (k = 0 .. nonces-1). */
const sumAmounts = (fn, nonces) => Array.from({ length: nonces }, (_, k) => fn(k)).reduce((a, b) => a + b, 0n);

/**
 * Checks a few balances and nonces after the workloads that ran (`done` lists the kinds) and returns the
 * values checked. Throws on a mismatch.
 */
export async function verifyState(node, { senders, recipients, tokenAddress, nonces, done }) {
  const checked = [];
  const picks = [...new Set([0, Math.floor(senders.length / 2), senders.length - 1])];
  const balanceOf = async (addr) => BigInt(await call(node.url, 'eth_call', [{ to: tokenAddress, data: tokenIface.encodeFunctionData('balanceOf', [addr]) }, 'latest']));
  const expect = (what, got, want) => {
    checked.push({ what, value: got.toString() });
    if (got !== want) throw new Error(`${node.name}: ${what} is ${got}, expected ${want}`);
  };
  for (const i of picks) {
    const nonce = BigInt(await call(node.url, 'eth_getTransactionCount', [senders[i].address, 'latest']));
    expect(`nonce of sender ${i}`, nonce, BigInt(nonces * done.length));
    if (done.includes('erc20')) {
      const sent = sumAmounts(tokenAmount, nonces);
      expect(`token balance of recipient ${i}`, await balanceOf(recipients[i]), sent);
      expect(`token balance of sender ${i}`, await balanceOf(senders[i].address), SENDER_TOKENS - sent);
    }
    if (done.includes('eth')) {
      expect(`ETH balance of recipient ${i}`, BigInt(await call(node.url, 'eth_getBalance', [recipients[i], 'latest'])), sumAmounts(ethAmount, nonces));
    }
  }
  return checked;
}
