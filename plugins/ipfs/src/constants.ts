/**
 * Default chunk size: 64 KiB. A challenged chunk is answered in L1 calldata: 64 KiB costs about 2.6 M gas
 * under Prague's calldata floor and fits geth's 128 KiB transaction limit (a 128 KiB chunk does not).
 */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Largest chunk size (and so largest IPFS block): 1 MiB. */
export const MAX_CHUNK_SIZE = 1024 * 1024;
/** Default listen address of the embedded node: TCP on the loopback interface, a free port. */
export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'] as const;
