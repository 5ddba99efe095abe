#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation (64 MB semi-spaces instead of V8's 16 MB default on 64-bit): block execution
// allocates many short-lived objects, and with the default the node spends ~15% of its time in scavenges.
// Measured with `npm run bench` (which starts the binary with these flags): +35-40% transactions per
// second for ERC-20 and ETH transfers. V8 reads the flag only at start-up, hence the shebang.
// Polyfills first (Promise.withResolvers on Node 20), then the CLI built by `tsc -b`.
import '@metis/core/polyfills';
import { main } from '../dist/main.js';

await main();
