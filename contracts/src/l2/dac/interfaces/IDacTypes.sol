// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A DAC's parameters, changed only through its own proposals (DacProposals, action SET_PARAMS).
/// @param bondSize Minimum commitment bond (wei, or token units for a token bond); a challenge matches the bond.
/// @param initialReputation Reputation of the founder at creation and of every admitted member.
/// @param reputationStep Reputation won by a kept commitment or a won challenge, lost by a default or a lost challenge.
/// @param challengeWindow Seconds after delivery during which a member may challenge.
/// @param voteWindow Seconds of voting on a challenged commitment and on a proposal.
/// @param executionDelay Seconds after a proposal's vote end before it can be executed.
/// @param quorumBps Share of the total reputation (at the snapshot) that must vote on a proposal, in basis points.
struct DacParams {
    uint256 bondSize;
    uint256 initialReputation;
    uint256 reputationStep;
    uint64 challengeWindow;
    uint64 voteWindow;
    uint64 executionDelay;
    uint16 quorumBps;
}
