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
    /// @notice The node executes L1 deposits as calls from this address (no key exists for it).
    address internal constant SYSTEM_CALLER = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;
}
