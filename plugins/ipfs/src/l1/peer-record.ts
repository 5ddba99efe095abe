import { Contract, type JsonRpcProvider } from 'ethers';
import { loadArtifact } from '@metis/contracts';

/**
 * The sequencer's IPFS peers in its L1 registry record (`ChainRegistry.sequencerInfo`): UTF-8 JSON with an
 * `ipfs` key, `{"ipfs":{"peerId":"12D3Koo…","multiaddrs":["/ip4/…/tcp/…/p2p/12D3Koo…"]}}`. Other keys of the
 * record are kept when it is rewritten, so other plugins can publish their own entries.
 */
export interface IpfsPeerRecord {
  readonly peerId: string;
  readonly multiaddrs: readonly string[];
}

const registryAbi = (): never => loadArtifact('ChainRegistry').abi as never;

/** The record's JSON object, or an empty one when it is empty or not JSON. */
function parseInfo(hex: string): Record<string, unknown> {
  if (hex === '0x' || hex.length <= 2) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(hex.slice(2), 'hex').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The IPFS peers the chain's sequencer published, or undefined (none, or not in this format). */
export async function readPeerRecord(provider: JsonRpcProvider, registry: string, chainId: bigint): Promise<IpfsPeerRecord | undefined> {
  const contract = new Contract(registry, registryAbi(), provider);
  const info = parseInfo((await contract.getFunction('sequencerInfo')(chainId)) as string).ipfs as Partial<IpfsPeerRecord> | undefined;
  if (!info || typeof info.peerId !== 'string' || !Array.isArray(info.multiaddrs)) return undefined;
  const multiaddrs = info.multiaddrs.filter((a): a is string => typeof a === 'string' && a.startsWith('/'));
  return { peerId: info.peerId, multiaddrs };
}

/**
 * The calldata of `setSequencerInfo` writing `record` under `ipfs`, or undefined when the registry already
 * says exactly that.
 */
export async function peerRecordUpdate(provider: JsonRpcProvider, registry: string, chainId: bigint, record: IpfsPeerRecord): Promise<string | undefined> {
  const contract = new Contract(registry, registryAbi(), provider);
  const current = parseInfo((await contract.getFunction('sequencerInfo')(chainId)) as string);
  const wanted = { peerId: record.peerId, multiaddrs: [...record.multiaddrs] };
  if (JSON.stringify(current.ipfs) === JSON.stringify(wanted)) return undefined;
  const bytes = Buffer.from(JSON.stringify({ ...current, ipfs: wanted }), 'utf8');
  return contract.interface.encodeFunctionData('setSequencerInfo', [chainId, bytes]);
}

/** The owner of the chain's registry entry (only it may write the record), or undefined when not registered. */
export async function chainOwner(provider: JsonRpcProvider, registry: string, chainId: bigint): Promise<string | undefined> {
  const contract = new Contract(registry, registryAbi(), provider);
  if (!((await contract.getFunction('isRegistered')(chainId)) as boolean)) return undefined;
  const cfg = (await contract.getFunction('getChain')(chainId)) as { owner: string };
  return cfg.owner.toLowerCase();
}
