// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Attestation, BatchHeader} from "../L1Types.sol";

/// @title RangerAttestations
/// @notice The EIP-712 encoding of a ranger's Attestation, shared by the RangerRegistry (the verifyingContract),
///         the RangerCertifier and the RangerDisputes, so that one signature serves certificates, votes and
///         equivocation evidence:
///
///             domain = { name: "Metis Rangers", version: "1", chainId: <L1 chain id>, verifyingContract: registry }
///             Attestation(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)
library RangerAttestations {
    string internal constant NAME = "Metis Rangers";
    string internal constant VERSION = "1";
    bytes32 internal constant TYPEHASH = keccak256(
        "Attestation(uint256 chainId,uint64 batchIndex,bytes32 prevStateRoot,bytes32 newStateRoot,bytes32 dataHash,bytes32 withdrawalRoot)"
    );
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @notice The EIP-712 struct hash of `a`.
    function structHash(Attestation memory a) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(TYPEHASH, a.chainId, a.batchIndex, a.prevStateRoot, a.newStateRoot, a.dataHash, a.withdrawalRoot)
        );
    }

    /// @notice The domain separator of the rangers' signatures with `registry` as verifyingContract, on this L1
    ///         (the same as the registry's own OpenZeppelin EIP712 domain).
    function domainSeparator(address registry) internal view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(NAME)), keccak256(bytes(VERSION)), block.chainid, registry));
    }

    /// @notice The digest a ranger signs for `a`.
    function digest(address registry, Attestation memory a) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator(registry), structHash(a));
    }

    /// @notice The attestation that matches header `h` (the output the proposer claims).
    function fromHeader(BatchHeader calldata h) internal pure returns (Attestation memory) {
        return Attestation({
            chainId: h.chainId,
            batchIndex: h.batchIndex,
            prevStateRoot: h.prevStateRoot,
            newStateRoot: h.newStateRoot,
            dataHash: h.dataHash,
            withdrawalRoot: h.withdrawalRoot
        });
    }

    /// @notice Whether `a` and `b` are about the same input (chain, batch index, previous root, data).
    function sameInput(Attestation memory a, Attestation memory b) internal pure returns (bool) {
        return a.chainId == b.chainId && a.batchIndex == b.batchIndex && a.prevStateRoot == b.prevStateRoot
            && a.dataHash == b.dataHash;
    }

    /// @notice Whether `a` and `b` claim the same output (new state root and withdrawal root).
    function sameOutput(Attestation memory a, Attestation memory b) internal pure returns (bool) {
        return a.newStateRoot == b.newStateRoot && a.withdrawalRoot == b.withdrawalRoot;
    }
}
