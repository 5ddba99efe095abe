// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Attestation} from "../L1Types.sol";
import {IChainRegistry} from "./IChainRegistry.sol";

/// @notice The stake table of the rangers of every L2 chain: its API, events and errors, for the contracts that
///         verify signatures against it and for the nodes (rangers, sequencers) that read it.
interface IRangerRegistry {
    /// @notice The ranger settings of one L2 chain, fixed once configured.
    /// @param stakeToken     the ERC-20 staked, or address(0) for ETH
    /// @param minStake       least active stake that counts (a smaller stake counts as 0)
    /// @param unbondingDelay seconds between requestUnstake and withdrawUnstaked (still slashable until then);
    ///                       0 while the chain is not configured
    struct StakeConfig {
        address stakeToken;
        uint256 minStake;
        uint64 unbondingDelay;
    }

    /// @notice What a node needs to know of one ranger.
    /// @param signer      the key its attestations are signed with now (zero when not registered)
    /// @param peerId      its libp2p peer id
    /// @param stake       active stake (counts for quorums while >= minStake)
    /// @param unbonding   stake leaving, withdrawable at `availableAt`, slashable until withdrawn
    struct RangerInfo {
        address signer;
        string peerId;
        uint256 stake;
        uint256 unbonding;
        uint64 availableAt;
    }

    error ZeroAddress(string field);
    error ZeroAmount();
    error ZeroMinStake();
    error ZeroUnbondingDelay();
    error NotChainOwner(uint256 chainId, address caller);
    error AlreadyConfigured(uint256 chainId);
    error ChainNotConfigured(uint256 chainId);
    error AlreadyRegistered(uint256 chainId, address operator);
    error NotRegistered(uint256 chainId, address operator);
    /// @notice The signing key is (or was) the key of a ranger of this chain.
    error SignerTaken(uint256 chainId, address signer);
    /// @notice A libp2p peer id is 1..128 bytes.
    error InvalidPeerId(uint256 length);
    /// @notice ETH stake: msg.value must equal the amount; ERC-20 stake: msg.value must be 0.
    error WrongValue(uint256 expected, uint256 sent);
    /// @notice The active stake would be neither 0 nor at least minStake.
    error BelowMinStake(uint256 chainId, uint256 stake, uint256 minStake);
    error InsufficientStake(uint256 chainId, address operator, uint256 available, uint256 requested);
    error NothingToWithdraw(uint256 chainId, address operator);
    error WithdrawalNotReady(uint256 chainId, address operator, uint64 availableAt);

    event ChainConfigured(uint256 indexed chainId, address stakeToken, uint256 minStake, uint64 unbondingDelay);
    event RangerRegistered(uint256 indexed chainId, address indexed operator, address indexed signer, string peerId, uint256 stake);
    /// @param stake the operator's active stake after the change
    event StakeAdded(uint256 indexed chainId, address indexed operator, uint256 amount, uint256 stake);
    /// @param unbonding the operator's whole unbonding amount, withdrawable at `availableAt`
    event UnstakeRequested(
        uint256 indexed chainId, address indexed operator, uint256 amount, uint256 stake, uint256 unbonding, uint64 availableAt
    );
    event StakeWithdrawn(uint256 indexed chainId, address indexed operator, uint256 amount);
    event SignerChanged(uint256 indexed chainId, address indexed operator, address previous, address current);
    event PeerIdChanged(uint256 indexed chainId, address indexed operator, string peerId);
    /// @param amount taken (active stake first, then unbonding); `reward` of it paid to `rewardTo`, the rest to
    ///        the treasury
    event RangerSlashed(
        uint256 indexed chainId, address indexed operator, uint256 amount, address indexed rewardTo, uint256 reward, uint256 toTreasury
    );
    /// @notice The effective stake of `operator` (active stake if >= minStake, else 0) and the chain's total
    ///         effective stake changed at `timestamp` (the key of the snapshots).
    event EffectiveStakeChanged(uint256 indexed chainId, address indexed operator, uint256 stake, uint256 total, uint48 timestamp);

    function chainRegistry() external view returns (IChainRegistry);
    function treasury() external view returns (address);

    function configureChain(uint256 chainId, address stakeToken, uint256 minStake, uint64 unbondingDelay) external;
    function register(uint256 chainId, address signer, string calldata peerId, uint256 amount) external payable;
    function addStake(uint256 chainId, uint256 amount) external payable;
    function setPeerId(uint256 chainId, string calldata peerId) external;
    function setSigner(uint256 chainId, address signer) external;
    function requestUnstake(uint256 chainId, uint256 amount) external;
    function withdrawUnstaked(uint256 chainId) external;
    function slash(uint256 chainId, address operator, uint256 amount, address rewardTo, uint256 rewardAmount)
        external
        returns (uint256 taken);

    function chainConfig(uint256 chainId) external view returns (StakeConfig memory);
    function isConfigured(uint256 chainId) external view returns (bool);
    function getRanger(uint256 chainId, address operator) external view returns (RangerInfo memory);
    function operatorOfSigner(uint256 chainId, address signer) external view returns (address);
    function rangers(uint256 chainId) external view returns (address[] memory);
    function stakeAt(uint256 chainId, address operator, uint48 timestamp) external view returns (uint256);
    function totalStakeAt(uint256 chainId, uint48 timestamp) external view returns (uint256);
    function quorumAt(uint256 chainId, address[] calldata signers, uint48 timestamp)
        external
        view
        returns (address[] memory operators, uint256[] memory stakes, uint256 total);
    function attestationDigest(Attestation calldata a) external view returns (bytes32);
}
