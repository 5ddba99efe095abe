/**
 * Test plumbing for the L1 parts: anvil (../dev/anvil.ts), ethers providers that never guess the
 * network or batch requests, funded dev wallets, contract deployment. Not part of the package build.
 */
import { Contract, ContractFactory, FetchRequest, HDNodeWallet, JsonRpcProvider, Wallet } from 'ethers';
import { loadArtifact } from '@metis/contracts';
import { startAnvil, type Anvil, type AnvilOptions } from '../dev/anvil.js';

export const ANVIL_CHAIN_ID = 31337;
const MNEMONIC = 'test test test test test test test test test test test junk';

/** The private key of anvil's funded account `i` (0..9). */
export function anvilKey(i: number): string {
  return HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey;
}

export interface ProviderOptions {
  /** Request timeout in ms (ethers' default is 5 minutes). */
  timeoutMs?: number;
}

/**
 * A JsonRpcProvider as the L1 parts should be given one: static network (no eth_chainId before each
 * request, no endless "failed to detect network" loop), one request per HTTP call (so faults hit one method).
 */
export function l1Provider(url: string, chainId = ANVIL_CHAIN_ID, options: ProviderOptions = {}): JsonRpcProvider {
  const request = new FetchRequest(url);
  request.timeout = options.timeoutMs ?? 10_000;
  return new JsonRpcProvider(request, chainId, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
}

export interface L1Env {
  readonly anvil: Anvil;
  readonly provider: JsonRpcProvider;
  /** Anvil's funded account `i` (0..9; 0 deploys), on `provider` unless another is given. */
  wallet(i: number, provider?: JsonRpcProvider): Wallet;
  /** Deploys a compiled contract of @metis/contracts from dev account 0. */
  deploy(name: string, args?: unknown[]): Promise<Contract>;
  /** Mines `n` blocks (for --no-mining runs and confirmations). */
  mine(n?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startL1(options: AnvilOptions = {}): Promise<L1Env> {
  const anvil = await startAnvil(options);
  const provider = l1Provider(anvil.url, options.chainId ?? ANVIL_CHAIN_ID);
  const wallet = (i: number, p: JsonRpcProvider = provider): Wallet => new Wallet(anvilKey(i), p);
  return {
    anvil,
    provider,
    wallet,
    async deploy(name, args = []) {
      const { abi, bytecode } = loadArtifact(name);
      const factory = new ContractFactory(abi as never, bytecode, wallet(0));
      const contract = await factory.deploy(...args);
      const tx = contract.deploymentTransaction()!;
      if (options.args?.includes('--no-mining')) await provider.send('evm_mine', []);
      await tx.wait();
      return new Contract(await contract.getAddress(), abi as never, provider);
    },
    async mine(n = 1) {
      await provider.send('anvil_mine', [`0x${n.toString(16)}`]);
    },
    async stop() {
      provider.destroy();
      await anvil.stop();
    },
  };
}
