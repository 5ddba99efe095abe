// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The errors of a quorum check (RangerQuorum), shared by the RangerCertifier and the RangerDisputes.
interface IRangerQuorum {
    /// @notice Signers (recovered from the signatures) must be strictly increasing addresses; `index` is the
    ///         first signature whose signer is below the previous one.
    error SignersNotSorted(uint256 index);
    error DuplicateSigner(address signer);
    /// @notice The signer is not (and never was) a ranger key of the chain.
    error UnknownSigner(address signer);
    /// @notice The signer's operator had no effective stake at the snapshot, or the signer is no longer the
    ///         operator's current key (a rotated-out key never counts).
    error NoStakeAtSnapshot(address signer);
    /// @notice The signers hold less than two thirds of the stake at the snapshot (or there is no stake).
    error InsufficientQuorum(uint256 signedStake, uint256 totalStake);
}
