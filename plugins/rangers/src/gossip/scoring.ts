import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score';

/**
 * Scoring of the attestation topic. Attestations are few (one per ranger per batch), so a quiet peer is
 * not a bad one: mesh-delivery deficits (P3, P3b) are off. Time in the mesh (P1) and first deliveries (P2)
 * earn a little (together at most `topicScoreCap` = 10); every rejected message (P4, the square of a
 * counter that decays by 0.5 % a second, half-life ~2.3 min) costs 10: one puts a fresh peer below 0, two
 * at -40 (below the gossip threshold), three at -90 (graylisted: its messages are no longer processed).
 */
export const ATTESTATION_TOPIC_SCORE: Readonly<TopicScoreParams> = Object.freeze({
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 600,
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.99,
  firstMessageDeliveriesCap: 20,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.995,
});

/** Peer score parameters with the attestation topic scored; loopback peers exempt from the IP-colocation penalty (local clusters). */
export function rangerScoreParams(topic: string, overrides: Partial<PeerScoreParams> = {}): Partial<PeerScoreParams> {
  return {
    topicScoreCap: 10,
    appSpecificWeight: 1,
    IPColocationFactorWeight: -5,
    IPColocationFactorThreshold: 10,
    IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1']),
    decayInterval: 1_000,
    decayToZero: 0.01,
    retainScore: 3_600_000,
    ...overrides,
    topics: { [topic]: { ...ATTESTATION_TOPIC_SCORE }, ...overrides.topics },
  };
}

/** Gossip suppressed below -10, no publishing to peers below -50, graylisted below -80. */
export const RANGER_SCORE_THRESHOLDS: Readonly<PeerScoreThresholds> = Object.freeze({
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 100,
  opportunisticGraftThreshold: 3,
});
