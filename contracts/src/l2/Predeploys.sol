// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Predeploys
/// @notice Fixed addresses of the L2 system contracts, placed in the L2 genesis (runtime code only: their
///         constructors never run, so they keep no immutables and start with empty storage).
library Predeploys {
    /// @notice L2Bridge: replays L1 deposits, starts withdrawals.
    address internal constant L2_BRIDGE = 0x4200000000000000000000000000000000000010;
    /// @notice MessagePasser: records withdrawals (the node builds each batch's withdrawal root from its events).
    address internal constant MESSAGE_PASSER = 0x4200000000000000000000000000000000000016;
    /// @notice DAC predeploys (the dac and token plugins place them; absent from chains without those plugins).
    address internal constant DAC_REGISTRY = 0x4200000000000000000000000000000000000100;
    address internal constant DAC_REPUTATION = 0x4200000000000000000000000000000000000101;
    address internal constant DAC_ATTRIBUTES = 0x4200000000000000000000000000000000000102;
    address internal constant DAC_COMMITMENTS = 0x4200000000000000000000000000000000000103;
    address internal constant DAC_PROPOSALS = 0x4200000000000000000000000000000000000104;
    address internal constant DAC_TREASURY = 0x4200000000000000000000000000000000000105;
    address internal constant DAC_TOKEN_FACTORY = 0x4200000000000000000000000000000000000110;
    /// @notice The node executes L1 deposits as calls from this address (no key exists for it).
    address internal constant SYSTEM_CALLER = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;
}
