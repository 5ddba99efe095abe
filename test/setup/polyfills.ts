// libp2p 3 and helia 7 call Promise.withResolvers, which Node 20 lacks.
import '@metis/core/polyfills';
