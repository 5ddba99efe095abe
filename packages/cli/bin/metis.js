#!/usr/bin/env node
// Polyfills first (Promise.withResolvers on Node 20), then the CLI built by `tsc -b`.
import '@metis/core/polyfills';
import { main } from '../dist/main.js';

await main();
