/** The gossipsub topic of the attestations of L2 chain `l2ChainId`: `/metis/rangers/1/<l2ChainId>/attestations`. */
export function attestationTopic(l2ChainId: bigint | number): string {
  return `/metis/rangers/1/${BigInt(l2ChainId).toString(10)}/attestations`;
}
