export { mempool } from './plugin.js';
export { Mempool, type MempoolDeps } from './pool.js';
export { mempoolOptionsSchema, resolveMempoolOptions, type MempoolOptions, type MempoolOptionsInput } from './options.js';
export { effectiveTip } from './fees.js';
