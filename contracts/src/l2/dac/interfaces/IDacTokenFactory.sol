// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice One vesting allocation of a launch (same ABI layout as IDacTokenFactory.Vesting in src/l2/token/).
struct DacVesting {
    address beneficiary;
    uint256 amount;
    uint64 start;
    uint64 duration;
}

/// @title IDacTokenFactoryCalls
/// @notice What the DAC governance contracts call on the token factory predeploy (Predeploys.DAC_TOKEN_FACTORY):
///         the same selectors as src/l2/token/IDacTokenFactory.sol (kept as a separate copy under another name, since
///         the compiler's artifacts are named by contract).
interface IDacTokenFactoryCalls {
    /// @notice The ERC-20 launched by DAC `dacId`, or address(0) if it has none.
    function tokenOf(uint256 dacId) external view returns (address);

    /// @notice Mints `amount` of DAC `dacId`'s token to `to` (accepted only from Predeploys.DAC_PROPOSALS).
    function mint(uint256 dacId, address to, uint256 amount) external;

    /// @notice Launches DAC `dacId`'s token (accepted only from Predeploys.DAC_PROPOSALS, once per DAC).
    /// @return token The new token's address.
    function launch(
        uint256 dacId,
        string calldata name,
        string calldata symbol,
        uint256 cap,
        address[] calldata holders,
        uint256[] calldata amounts,
        DacVesting[] calldata vesting
    ) external returns (address token);
}
