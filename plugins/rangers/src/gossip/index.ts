export { attestationTopic } from './topic.js';
export type { AttestationView, BatchView } from './view.js';
export {
  AttestationPool,
  messageId,
  type AttestationPoolOptions,
  type CollectedAttestation,
  type EquivocationEvidence,
  type Verdict,
  type RejectReason,
  type IgnoreReason,
} from './pool.js';
export { ATTESTATION_TOPIC_SCORE, RANGER_SCORE_THRESHOLDS, rangerScoreParams } from './scoring.js';
export { loadOrCreatePeerKey, PEER_KEY_FILE } from './peer-key.js';
export {
  RangerGossip,
  DEFAULT_RANGER_LISTEN,
  type RangerGossipOptions,
  type RangerGossipLogger,
  type RangerGossipEvents,
  type AttestationEvent,
  type EquivocationEvent,
  type RejectionEvent,
  type IgnoreEvent,
  type PublishOutcome,
} from './ranger-gossip.js';
