/** Default chunk size: 128 KiB. */
export const DEFAULT_CHUNK_SIZE = 128 * 1024;
/** Largest chunk size (and so largest IPFS block): 1 MiB. */
export const MAX_CHUNK_SIZE = 1024 * 1024;
/** Default listen address of the embedded node: TCP on the loopback interface, a free port. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'] as const;
