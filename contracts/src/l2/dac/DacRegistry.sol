// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacParams} from "./interfaces/IDacTypes.sol";
import {DacReputation} from "./DacReputation.sol";

/// @title DacRegistry
/// @notice L2 predeploy (Predeploys.DAC_REGISTRY): DACs, their members, roles and parameters. No admin: roles
///         and parameters change only through DacProposals.
contract DacRegistry {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Role of a DAC's founder (may invite).
    bytes32 public constant FOUNDER = keccak256("FOUNDER");
    /// @notice Role that may invite new members.
    bytes32 public constant INVITER = keccak256("INVITER");
    /// @notice Longest accepted name or CID, in bytes.
    uint256 public constant MAX_CID_LENGTH = 128;

    struct DacInfo {
        string name;
        string charterCid;
        address founder;
        uint64 createdAt;
    }

    uint256 private _count;
    mapping(uint256 => DacInfo) private _dacs;
    mapping(uint256 => DacParams) private _params;
    mapping(bytes32 => uint256) private _byName;
    mapping(uint256 => EnumerableSet.AddressSet) private _members;
    mapping(uint256 => mapping(address => bool)) private _invited;
    mapping(uint256 => mapping(address => mapping(bytes32 => bool))) private _roles;

    event DacCreated(uint256 indexed dacId, string name, string charterCid, address indexed founder, DacParams params);
    event MemberInvited(uint256 indexed dacId, address indexed account, address indexed inviter);
    event MemberJoined(uint256 indexed dacId, address indexed account);
    event MemberLeft(uint256 indexed dacId, address indexed account);
    event RoleGranted(uint256 indexed dacId, address indexed account, bytes32 indexed role);
    event RoleRevoked(uint256 indexed dacId, address indexed account, bytes32 indexed role);
    event ParamsChanged(uint256 indexed dacId, DacParams params);

    error UnknownDac(uint256 dacId);
    error InvalidName();
    error NameTaken(string name);
    error InvalidCid();
    error InvalidParams();
    error NotInviter(uint256 dacId, address account);
    error AlreadyMember(uint256 dacId, address account);
    error AlreadyInvited(uint256 dacId, address account);
    error NotInvited(uint256 dacId, address account);
    error NotMember(uint256 dacId, address account);
    error OnlyProposals(address caller);

    modifier onlyProposals() {
        if (msg.sender != Predeploys.DAC_PROPOSALS) revert OnlyProposals(msg.sender);
        _;
    }

    modifier exists(uint256 dacId) {
        if (dacId == 0 || dacId > _count) revert UnknownDac(dacId);
        _;
    }

    /// @notice Creates a DAC; the caller is its founder, first member (role FOUNDER) with `p.initialReputation`.
    /// @param name Unique name (case-sensitive bytes, 1..128 bytes).
    /// @param charterCid IPFS CID of the charter (1..128 bytes).
    /// @param p The DAC's initial parameters.
    /// @return dacId The new DAC's id (1, 2, ...).
    function createDac(string calldata name, string calldata charterCid, DacParams calldata p) external returns (uint256 dacId) {
        uint256 len = bytes(name).length;
        if (len == 0 || len > MAX_CID_LENGTH) revert InvalidName();
        _checkCid(charterCid);
        _checkParams(p);
        bytes32 key = keccak256(bytes(name));
        if (_byName[key] != 0) revert NameTaken(name);
        dacId = ++_count;
        _byName[key] = dacId;
        _dacs[dacId] = DacInfo(name, charterCid, msg.sender, uint64(block.timestamp));
        _params[dacId] = p;
        emit DacCreated(dacId, name, charterCid, msg.sender, p);
        _members[dacId].add(msg.sender);
        emit MemberJoined(dacId, msg.sender);
        _roles[dacId][msg.sender][FOUNDER] = true;
        emit RoleGranted(dacId, msg.sender, FOUNDER);
        DacReputation(Predeploys.DAC_REPUTATION).seed(dacId, msg.sender, p.initialReputation);
    }

    /// @notice Invites `account` to DAC `dacId` (caller: a member with role FOUNDER or INVITER).
    function invite(uint256 dacId, address account) external exists(dacId) {
        if (!_members[dacId].contains(msg.sender) || !(_roles[dacId][msg.sender][FOUNDER] || _roles[dacId][msg.sender][INVITER])) {
            revert NotInviter(dacId, msg.sender);
        }
        if (_members[dacId].contains(account)) revert AlreadyMember(dacId, account);
        if (_invited[dacId][account]) revert AlreadyInvited(dacId, account);
        _invited[dacId][account] = true;
        emit MemberInvited(dacId, account, msg.sender);
    }

    /// @notice Joins DAC `dacId` as an invitee, with the DAC's initial reputation.
    function join(uint256 dacId) external exists(dacId) {
        if (!_invited[dacId][msg.sender]) revert NotInvited(dacId, msg.sender);
        delete _invited[dacId][msg.sender];
        _members[dacId].add(msg.sender);
        emit MemberJoined(dacId, msg.sender);
        DacReputation(Predeploys.DAC_REPUTATION).seed(dacId, msg.sender, _params[dacId].initialReputation);
    }

    /// @notice Leaves DAC `dacId`: membership, roles and reputation are dropped (bonds in flight stay where they are).
    function leave(uint256 dacId) external exists(dacId) {
        if (!_members[dacId].remove(msg.sender)) revert NotMember(dacId, msg.sender);
        emit MemberLeft(dacId, msg.sender);
        bytes32[2] memory known = [FOUNDER, INVITER];
        for (uint256 i; i < known.length; ++i) {
            if (_roles[dacId][msg.sender][known[i]]) {
                delete _roles[dacId][msg.sender][known[i]];
                emit RoleRevoked(dacId, msg.sender, known[i]);
            }
        }
        DacReputation(Predeploys.DAC_REPUTATION).clear(dacId, msg.sender);
    }

    /// @notice Grants `role` in DAC `dacId` to member `account` (DacProposals only).
    function grantRole(uint256 dacId, address account, bytes32 role) external onlyProposals exists(dacId) {
        if (!_members[dacId].contains(account)) revert NotMember(dacId, account);
        if (!_roles[dacId][account][role]) {
            _roles[dacId][account][role] = true;
            emit RoleGranted(dacId, account, role);
        }
    }

    /// @notice Revokes `role` in DAC `dacId` from `account` (DacProposals only).
    function revokeRole(uint256 dacId, address account, bytes32 role) external onlyProposals exists(dacId) {
        if (_roles[dacId][account][role]) {
            delete _roles[dacId][account][role];
            emit RoleRevoked(dacId, account, role);
        }
    }

    /// @notice Replaces DAC `dacId`'s parameters (DacProposals only).
    function setParams(uint256 dacId, DacParams calldata p) external onlyProposals exists(dacId) {
        _checkParams(p);
        _params[dacId] = p;
        emit ParamsChanged(dacId, p);
    }

    /// @notice Whether `account` is a member of DAC `dacId`.
    function isMember(uint256 dacId, address account) external view returns (bool) {
        return _members[dacId].contains(account);
    }

    /// @notice Whether `account` was invited to DAC `dacId` and has not joined yet.
    function isInvited(uint256 dacId, address account) external view returns (bool) {
        return _invited[dacId][account];
    }

    /// @notice Whether `account` holds `role` in DAC `dacId`.
    function hasRole(uint256 dacId, address account, bytes32 role) external view returns (bool) {
        return _roles[dacId][account][role];
    }

    /// @notice The members of DAC `dacId` (unordered).
    function members(uint256 dacId) external view returns (address[] memory) {
        return _members[dacId].values();
    }

    /// @notice The number of members of DAC `dacId`.
    function memberCount(uint256 dacId) external view returns (uint256) {
        return _members[dacId].length();
    }

    /// @notice DAC `dacId`'s parameters.
    function params(uint256 dacId) external view exists(dacId) returns (DacParams memory) {
        return _params[dacId];
    }

    /// @notice The id of the DAC named `name`, 0 if none.
    function dacOf(string calldata name) external view returns (uint256) {
        return _byName[keccak256(bytes(name))];
    }

    /// @notice Name, charter CID, founder and creation time of DAC `dacId`.
    function info(uint256 dacId) external view exists(dacId) returns (DacInfo memory) {
        return _dacs[dacId];
    }

    /// @notice Whether DAC `dacId` exists.
    function dacExists(uint256 dacId) external view returns (bool) {
        return dacId != 0 && dacId <= _count;
    }

    /// @notice The number of DACs created (ids are 1..dacCount).
    function dacCount() external view returns (uint256) {
        return _count;
    }

    function _checkCid(string calldata cid) private pure {
        uint256 len = bytes(cid).length;
        if (len == 0 || len > MAX_CID_LENGTH) revert InvalidCid();
    }

    function _checkParams(DacParams calldata p) private pure {
        if (
            p.bondSize == 0 || p.initialReputation == 0 || p.challengeWindow == 0 || p.voteWindow == 0 || p.quorumBps > 10_000
                || p.initialReputation > type(uint208).max / 1e6 || p.reputationStep > type(uint208).max / 1e6
        ) revert InvalidParams();
    }
}
