import { z } from 'zod';

const MiB = 1024 * 1024;

/** Options of the rpc plugin and of `createRpcServer`. Method-specific limits belong to the namespaces. */
export const rpcOptionsSchema = z.strictObject({
  /** Interface to bind. Loopback by default: exposing a node is an explicit choice. */
  host: z.string().min(1).default('127.0.0.1'),
  /** HTTP and WebSocket port (the same one); 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(8545),
  /** Largest HTTP body and WebSocket message, in bytes. */
  maxBodyBytes: z.number().int().positive().default(5 * MiB),
  /** Most requests in one batch. */
  maxBatch: z.number().int().positive().default(1000),
  /** Most open WebSocket connections. */
  maxConnections: z.number().int().positive().default(1000),
  /** Most live subscriptions on one WebSocket connection. */
  maxSubscriptionsPerConnection: z.number().int().positive().default(1000),
  /** A WebSocket client with more than this many bytes waiting to be sent is closed (1008) as too slow. */
  maxBufferedBytes: z.number().int().positive().default(16 * MiB),
  /** WebSocket ping interval; a client that missed the previous ping is dropped. 0 disables pings. */
  wsPingIntervalMs: z.number().int().min(0).default(30_000),
  /** Value of Access-Control-Allow-Origin. */
  corsOrigin: z.string().min(1).default('*'),
});

export type RpcOptions = z.output<typeof rpcOptionsSchema>;
export type RpcOptionsInput = z.input<typeof rpcOptionsSchema>;
