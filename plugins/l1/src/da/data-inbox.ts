import { Interface } from 'ethers';

/**
 * The part of the L1 DataInbox contract (contracts/src/l1/DataInbox.sol) the calldata DA uses. Kept here as
 * human-readable ABI so the package needs no compiled artifacts at run time; a test checks it against the
 * artifact.
 */
export const DATA_INBOX_ABI = [
  'function publish(uint256 chainId, bytes data)',
  'event DataPublished(uint256 indexed chainId, bytes32 indexed dataHash, uint256 dataLength, address indexed publisher)',
  'error EmptyData()',
] as const;

export const dataInboxInterface = new Interface(DATA_INBOX_ABI);

/** The 4-byte selector of `publish(uint256,bytes)`. */
export const PUBLISH_SELECTOR = dataInboxInterface.getFunction('publish')!.selector;
