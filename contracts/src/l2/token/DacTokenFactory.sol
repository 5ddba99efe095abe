// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacToken} from "./DacToken.sol";
import {IDacTokenFactory} from "./IDacTokenFactory.sol";

/// @title DacTokenFactory
/// @notice L2 predeploy at Predeploys.DAC_TOKEN_FACTORY (runtime code in the genesis: no constructor, no
///         immutables). Launches one DacToken per DAC and mints it, both only when DacProposals calls (a launch
///         and a mint are proposal actions, executed after the DAC's vote and delay): no admin, no founder
///         shortcut. Vesting allocations go into OpenZeppelin VestingWallets this factory creates.
///         A DAC token bridges to L1 as an L2-native token of the settlement bridge: registered on L1
///         (`Bridge.registerL2Token`, which deploys its L1MirrorToken), escrowed by the L2Bridge on withdrawal.
contract DacTokenFactory is IDacTokenFactory {
    /// @dev ERC20Votes caps the total supply at type(uint208).max.
    uint256 private constant MAX_CAP = type(uint208).max;

    mapping(uint256 dacId => address token) private _tokens;
    mapping(address token => uint256 dacId) private _dacOf;
    mapping(uint256 dacId => address[] wallets) private _vestingWallets;

    modifier onlyProposals() {
        if (msg.sender != Predeploys.DAC_PROPOSALS) revert NotDacProposals(msg.sender);
        _;
    }

    /// @inheritdoc IDacTokenFactory
    function tokenOf(uint256 dacId) external view returns (address) {
        return _tokens[dacId];
    }

    /// @notice The DAC of a token launched here; reverts for any other address (dacIds may be 0).
    function dacOf(address token) external view returns (uint256) {
        uint256 dacId = _dacOf[token];
        if (_tokens[dacId] != token || token == address(0)) revert NoDacToken(dacId);
        return dacId;
    }

    /// @notice The VestingWallets created at the DAC's launch, in the order of its vesting entries.
    function vestingWalletsOf(uint256 dacId) external view returns (address[] memory) {
        return _vestingWallets[dacId];
    }

    /// @inheritdoc IDacTokenFactory
    function launch(
        uint256 dacId,
        string calldata name,
        string calldata symbol,
        uint256 cap,
        address[] calldata holders,
        uint256[] calldata amounts,
        Vesting[] calldata vesting
    ) external onlyProposals returns (address token) {
        address existing = _tokens[dacId];
        if (existing != address(0)) revert TokenAlreadyLaunched(dacId, existing);
        if (bytes(name).length == 0) revert EmptyTokenName();
        if (bytes(symbol).length == 0) revert EmptyTokenSymbol();
        if (cap == 0 || cap > MAX_CAP) revert InvalidTokenCap(cap);
        if (holders.length != amounts.length) revert AllocationLengthMismatch(holders.length, amounts.length);

        token = _deploy(dacId, name, symbol, cap);
        _allocate(dacId, DacToken(token), holders, amounts);
        _vest(dacId, DacToken(token), vesting);
    }

    function _deploy(uint256 dacId, string calldata name, string calldata symbol, uint256 cap) private returns (address token) {
        token = address(new DacToken(dacId, name, symbol, cap));
        _tokens[dacId] = token;
        _dacOf[token] = dacId;
        emit TokenLaunched(dacId, token, name, symbol, cap);
    }

    /// @dev Minting past the cap reverts in the token (ERC20ExceededCap), a zero holder with ERC20InvalidReceiver.
    function _allocate(uint256 dacId, DacToken t, address[] calldata holders, uint256[] calldata amounts) private {
        for (uint256 i = 0; i < holders.length; i++) {
            if (amounts[i] == 0) revert ZeroTokenAmount();
            t.mint(holders[i], amounts[i]);
            emit TokenMinted(dacId, holders[i], amounts[i]);
        }
    }

    /// @dev A zero beneficiary reverts in VestingWallet's Ownable (OwnableInvalidOwner).
    function _vest(uint256 dacId, DacToken t, Vesting[] calldata vesting) private {
        for (uint256 i = 0; i < vesting.length; i++) {
            Vesting calldata v = vesting[i];
            if (v.amount == 0) revert ZeroTokenAmount();
            address wallet = address(new VestingWallet(v.beneficiary, v.start, v.duration));
            _vestingWallets[dacId].push(wallet);
            t.mint(wallet, v.amount);
            emit VestingCreated(dacId, wallet, v.beneficiary, v.amount, v.start, v.duration);
            emit TokenMinted(dacId, wallet, v.amount);
        }
    }

    /// @inheritdoc IDacTokenFactory
    function mint(uint256 dacId, address to, uint256 amount) external onlyProposals {
        address token = _tokens[dacId];
        if (token == address(0)) revert NoDacToken(dacId);
        if (amount == 0) revert ZeroTokenAmount();
        DacToken(token).mint(to, amount);
        emit TokenMinted(dacId, to, amount);
    }
}
