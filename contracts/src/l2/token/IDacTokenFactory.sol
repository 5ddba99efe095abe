// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDacTokenFactory
/// @notice The DAC token factory predeploy (Predeploys.DAC_TOKEN_FACTORY), as DacProposals calls it: a DAC's own
///         ERC-20 is launched and minted only by DacProposals (a launch and a mint are proposal actions), one token
///         per DAC. The governance contracts import this file (or keep an identical copy).
interface IDacTokenFactory {
    /// @notice One vesting allocation: the factory creates an OpenZeppelin VestingWallet(beneficiary, start,
    ///         duration) and mints `amount` into it (linear vesting from `start` over `duration` seconds).
    struct Vesting {
        address beneficiary;
        uint256 amount;
        uint64 start;
        uint64 duration;
    }

    event TokenLaunched(uint256 indexed dacId, address indexed token, string name, string symbol, uint256 cap);
    event VestingCreated(
        uint256 indexed dacId,
        address indexed wallet,
        address indexed beneficiary,
        uint256 amount,
        uint64 start,
        uint64 duration
    );
    event TokenMinted(uint256 indexed dacId, address indexed to, uint256 amount);

    /// @notice launch and mint are accepted only from Predeploys.DAC_PROPOSALS.
    error NotDacProposals(address caller);
    /// @notice One token per DAC.
    error TokenAlreadyLaunched(uint256 dacId, address token);
    /// @notice mint for a DAC that has not launched a token.
    error NoDacToken(uint256 dacId);
    error AllocationLengthMismatch(uint256 holders, uint256 amounts);
    /// @notice The cap must be positive and fit ERC20Votes' supply limit (type(uint208).max).
    error InvalidTokenCap(uint256 cap);
    error EmptyTokenName();
    error EmptyTokenSymbol();
    /// @notice Allocations, vesting entries and mints of zero tokens are rejected.
    error ZeroTokenAmount();

    /// @notice The DAC's token, or address(0) if it has none.
    function tokenOf(uint256 dacId) external view returns (address);

    /// @notice Deploys the DAC's token (DacToken, minter = this factory), mints `amounts[i]` to `holders[i]` and
    ///         each vesting entry into a new VestingWallet. Only DacProposals; once per DAC.
    function launch(
        uint256 dacId,
        string calldata name,
        string calldata symbol,
        uint256 cap,
        address[] calldata holders,
        uint256[] calldata amounts,
        Vesting[] calldata vesting
    ) external returns (address token);

    /// @notice Mints `amount` of the DAC's token to `to` (within the cap). Only DacProposals.
    function mint(uint256 dacId, address to, uint256 amount) external;
}
