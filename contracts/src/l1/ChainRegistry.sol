// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ChainConfig} from "./L1Types.sol";
import {IChainRegistry} from "./interfaces/IChainRegistry.sol";

/// @title ChainRegistry
/// @notice The L2 chains one L1 deployment serves, keyed by L2 chain id. Registration is permissionless and
///         first come, first served; each chain has an owner who may replace its sequencer and proposer,
///         publish a free-form sequencer info record (e.g. libp2p multiaddrs) and hand the chain over.
///         The challenge window, the minimum bond, the DA kind, the genesis root and the inclusion window
///         are fixed at registration: the other contracts rely on them never changing.
contract ChainRegistry is IChainRegistry {
    error InvalidChainId(uint256 chainId);
    error ChainAlreadyRegistered(uint256 chainId);
    error UnknownChain(uint256 chainId);
    error NotChainOwner(uint256 chainId, address caller);
    /// @param field the config field that must not be the zero address ("owner", "sequencer", "proposer")
    error ZeroAddress(string field);
    error InvalidDaKind(uint8 daKind);
    error ZeroGenesisStateRoot();
    error ZeroInclusionWindow();

    event ChainRegistered(uint256 indexed chainId, address indexed owner, ChainConfig config);
    event SequencerUpdated(uint256 indexed chainId, address previous, address current);
    event ProposerUpdated(uint256 indexed chainId, address previous, address current);
    event SequencerInfoUpdated(uint256 indexed chainId, bytes info);
    event ChainOwnershipTransferred(uint256 indexed chainId, address indexed previousOwner, address indexed newOwner);

    mapping(uint256 chainId => ChainConfig) private _chains;
    mapping(uint256 chainId => bytes) private _sequencerInfo;

    modifier onlyChainOwner(uint256 chainId) {
        address owner = _chains[chainId].owner;
        if (owner == address(0)) revert UnknownChain(chainId);
        if (msg.sender != owner) revert NotChainOwner(chainId, msg.sender);
        _;
    }

    /// @notice Registers L2 chain `chainId` with `cfg`. Each chain id can be registered once.
    /// @dev Reverts InvalidChainId (0), ChainAlreadyRegistered, ZeroAddress (owner, sequencer, proposer),
    ///      InvalidDaKind (0), ZeroGenesisStateRoot or ZeroInclusionWindow. A zero challenge window and a zero
    ///      minimum bond are allowed (devnets).
    function registerChain(uint256 chainId, ChainConfig calldata cfg) external {
        if (chainId == 0) revert InvalidChainId(chainId);
        if (_chains[chainId].owner != address(0)) revert ChainAlreadyRegistered(chainId);
        if (cfg.owner == address(0)) revert ZeroAddress("owner");
        if (cfg.sequencer == address(0)) revert ZeroAddress("sequencer");
        if (cfg.proposer == address(0)) revert ZeroAddress("proposer");
        if (cfg.daKind == 0) revert InvalidDaKind(cfg.daKind);
        if (cfg.genesisStateRoot == bytes32(0)) revert ZeroGenesisStateRoot();
        if (cfg.inclusionWindow == 0) revert ZeroInclusionWindow();
        _chains[chainId] = cfg;
        emit ChainRegistered(chainId, cfg.owner, cfg);
    }

    /// @notice Replaces the sequencer of `chainId` (chain owner only).
    function setSequencer(uint256 chainId, address sequencer) external onlyChainOwner(chainId) {
        if (sequencer == address(0)) revert ZeroAddress("sequencer");
        ChainConfig storage chain = _chains[chainId];
        emit SequencerUpdated(chainId, chain.sequencer, sequencer);
        chain.sequencer = sequencer;
    }

    /// @notice Replaces the proposer of `chainId` (chain owner only). The new proposer appends from the next batch.
    function setProposer(uint256 chainId, address proposer) external onlyChainOwner(chainId) {
        if (proposer == address(0)) revert ZeroAddress("proposer");
        ChainConfig storage chain = _chains[chainId];
        emit ProposerUpdated(chainId, chain.proposer, proposer);
        chain.proposer = proposer;
    }

    /// @notice Publishes a free-form record about the sequencer (e.g. its libp2p multiaddrs; chain owner only).
    function setSequencerInfo(uint256 chainId, bytes calldata info) external onlyChainOwner(chainId) {
        _sequencerInfo[chainId] = info;
        emit SequencerInfoUpdated(chainId, info);
    }

    /// @notice Hands `chainId` over to `newOwner` (chain owner only).
    function transferChainOwnership(uint256 chainId, address newOwner) external onlyChainOwner(chainId) {
        if (newOwner == address(0)) revert ZeroAddress("owner");
        emit ChainOwnershipTransferred(chainId, _chains[chainId].owner, newOwner);
        _chains[chainId].owner = newOwner;
    }

    /// @notice The configuration of `chainId`; reverts UnknownChain if it is not registered.
    function getChain(uint256 chainId) external view returns (ChainConfig memory cfg) {
        cfg = _chains[chainId];
        if (cfg.owner == address(0)) revert UnknownChain(chainId);
    }

    /// @notice Whether `chainId` is registered.
    function isRegistered(uint256 chainId) external view returns (bool) {
        return _chains[chainId].owner != address(0);
    }

    /// @notice The sequencer info record of `chainId` (empty until set); reverts UnknownChain.
    function sequencerInfo(uint256 chainId) external view returns (bytes memory) {
        if (_chains[chainId].owner == address(0)) revert UnknownChain(chainId);
        return _sequencerInfo[chainId];
    }
}
