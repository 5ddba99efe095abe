export { normalizeAttestation, UINT256_MAX, UINT64_MAX, type Attestation, type SignedAttestation } from './types.js';
export {
  RANGERS_DOMAIN_NAME,
  RANGERS_DOMAIN_VERSION,
  ATTESTATION_TYPES,
  rangerDomain,
  attestationDigest,
  signAttestation,
  recoverSigner,
  parseSignature,
  equivocationSigner,
  type RangerDomain,
  type AttestationSigner,
} from './eip712.js';
export { ATTESTATION_WIRE_VERSION, ATTESTATION_WIRE_LENGTH, encodeAttestation, decodeAttestation } from './codec.js';
export { sameInput, sameOutput, sameAttestation, isEquivocation } from './compare.js';
