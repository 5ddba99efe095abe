export { ipfs, IPFS_PEER, type IpfsPeer } from './plugin.js';
export { ipfsOptionsSchema, retentionOptionsSchema, type IpfsOptions, type IpfsOptionsInput, type RetentionOptionsInput } from './options.js';
export { createIpfsDa, type CreateIpfsDaOptions, type IpfsNode, type IpfsLogger } from './create.js';
export { IpfsDA, IPFS_DA_KIND, type IpfsDaConfig, type IpfsDaSettings } from './ipfs-da.js';
export {
  encodeIpfsCommitment,
  decodeIpfsCommitment,
  describeIpfsCommitment,
  IPFS_COMMITMENT_VERSION,
  IPFS_COMMITMENT_PREFIX_LENGTH,
  type IpfsCommitment,
} from './commitment.js';
export { chunkTree, splitChunks, chunkCountOf, CHUNK_LEAF_TYPES, EMPTY_CHUNK_ROOT, type ChunkTree } from './chunks.js';
export { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, DEFAULT_LISTEN } from './constants.js';
export { importerOptions, kuboAddOptions, importData, dataCid, readData } from './dag.js';
export { EMPTY_DATA_CID, blockMatchesCid } from './cid.js';
export { Retention, type RetentionRecord, type RetentionOptions, type RetentionDeps } from './retention.js';
export type { IpfsBackend, AbortOptions } from './backend.js';
// The backends load helia/libp2p or kubo-rpc-client (seconds of module loading): types only here;
// createIpfsDa imports the one it needs.
export type { HeliaBackend, HeliaBackendOptions, HeliaNode } from './helia/helia-backend.js';
export type { LightLibp2pInit, LightServices } from './helia/libp2p-options.js';
export type { KuboBackend, KuboBackendOptions } from './kubo/kubo-backend.js';
export { readPeerRecord, peerRecordUpdate, chainOwner, type IpfsPeerRecord } from './l1/peer-record.js';
export { ChallengeResponder, type ResponderL1 } from './l1/responder.js';
