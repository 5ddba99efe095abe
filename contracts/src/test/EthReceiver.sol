// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title EthReceiver
/// @notice A contract recipient for the bridge tests: accepts ETH, refuses it, or burns all the gas it gets,
///         depending on `mode`; `exec` lets it call other contracts (e.g. to claim failed deposits).
contract EthReceiver {
    enum Mode {
        Accept,
        Revert,
        BurnGas
    }

    error Refused();

    Mode public mode;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function exec(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    receive() external payable {
        if (mode == Mode.Revert) revert Refused();
        if (mode == Mode.BurnGas) {
            uint256 i;
            while (true) {
                ++i;
            }
        }
    }
}
