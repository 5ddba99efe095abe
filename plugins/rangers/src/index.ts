export * from './attestation/index.js';
export * from './gossip/index.js';
