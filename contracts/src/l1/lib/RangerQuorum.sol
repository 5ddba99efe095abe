// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IRangerQuorum} from "../interfaces/IRangerQuorum.sol";
import {IRangerRegistry} from "../interfaces/IRangerRegistry.sol";

/// @title RangerQuorum
/// @notice Checks that signatures over one digest come from rangers holding at least two thirds of a chain's
///         stake at a snapshot: signers strictly increasing (so each counts once), each a current ranger key
///         with effective stake at the snapshot, and signed * 3 >= total * 2 with total > 0.
library RangerQuorum {
    /// @notice Who signed and with which stake.
    struct Tally {
        address[] operators;
        uint256[] stakes;
        uint256 signedStake;
        uint256 totalStake;
    }

    /// @notice Whether `signedStake` reaches two thirds of a non-zero `totalStake`.
    function reached(uint256 signedStake, uint256 totalStake) internal pure returns (bool) {
        return totalStake > 0 && signedStake * 3 >= totalStake * 2;
    }

    /// @notice Recovers the signers of `digest` (65-byte low-s signatures) and checks the quorum of chain
    ///         `chainId` at `snapshot` in `registry`. Reverts with the errors of IRangerQuorum (and OpenZeppelin
    ///         ECDSA's for malformed signatures).
    function verify(IRangerRegistry registry, uint256 chainId, bytes32 digest, bytes[] calldata signatures, uint48 snapshot)
        internal
        view
        returns (Tally memory t)
    {
        uint256 n = signatures.length;
        address[] memory signers = new address[](n);
        address previous = address(0);
        for (uint256 i = 0; i < n; ++i) {
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            if (i > 0) {
                if (signer == previous) revert IRangerQuorum.DuplicateSigner(signer);
                if (signer < previous) revert IRangerQuorum.SignersNotSorted(i);
            }
            signers[i] = signer;
            previous = signer;
        }
        (t.operators, t.stakes, t.totalStake) = registry.quorumAt(chainId, signers, snapshot);
        for (uint256 i = 0; i < n; ++i) {
            if (t.operators[i] == address(0)) revert IRangerQuorum.UnknownSigner(signers[i]);
            if (t.stakes[i] == 0) revert IRangerQuorum.NoStakeAtSnapshot(signers[i]);
            t.signedStake += t.stakes[i];
        }
        if (!reached(t.signedStake, t.totalStake)) revert IRangerQuorum.InsufficientQuorum(t.signedStake, t.totalStake);
    }
}
