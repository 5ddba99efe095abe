// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Predeploys} from "../Predeploys.sol";
import {DacParams} from "./interfaces/IDacTypes.sol";
import {IDacTokenFactory} from "../token/IDacTokenFactory.sol";
import {DacRegistry} from "./DacRegistry.sol";
import {DacReputation} from "./DacReputation.sol";
import {DacAttributes} from "./DacAttributes.sol";
import {DacTreasury} from "./DacTreasury.sol";

/// @title DacProposals
/// @notice L2 predeploy (Predeploys.DAC_PROPOSALS): a DAC's own governance. A member proposes typed, DAC-scoped
///         actions (never arbitrary calls); members vote weighted by reputation at the proposal's snapshot block;
///         after the vote and the execution delay, anyone executes a proposal that reached the quorum (bps of the
///         total reputation at the snapshot) and a strict majority. Actions are stored as a hash (Governor style):
///         `execute` takes them again, as emitted in ProposalCreated.
contract DacProposals {
    /// @notice Action kinds and the ABI encoding of their `data`:
    ///  SET_PARAMS (DacParams) · SPEND (address token, address to, uint256 amount) · GRANT_ATTRIBUTE (address member,
    ///  string cid) · REVOKE_ATTRIBUTE (uint256 tokenId) · GRANT_ROLE (address account, bytes32 role) · REVOKE_ROLE
    ///  (address account, bytes32 role) · MINT_TOKEN (address to, uint256 amount) · LAUNCH_TOKEN (string name,
    ///  string symbol, uint256 cap, address[] holders, uint256[] amounts, (address beneficiary, uint256 amount,
    ///  uint64 start, uint64 duration)[] vesting).
    uint8 public constant SET_PARAMS = 0;
    uint8 public constant SPEND = 1;
    uint8 public constant GRANT_ATTRIBUTE = 2;
    uint8 public constant REVOKE_ATTRIBUTE = 3;
    uint8 public constant GRANT_ROLE = 4;
    uint8 public constant REVOKE_ROLE = 5;
    uint8 public constant MINT_TOKEN = 6;
    uint8 public constant LAUNCH_TOKEN = 7;
    uint8 private constant KINDS = 8;
    /// @notice Most actions in one proposal.
    uint256 public constant MAX_ACTIONS = 16;

    struct Action {
        uint8 kind;
        bytes data;
    }

    struct Proposal {
        uint256 dacId;
        address proposer;
        uint64 snapshot;
        uint64 voteEnd;
        uint64 executableAt;
        bool executed;
        uint256 forVotes;
        uint256 againstVotes;
        uint256 quorum;
        bytes32 actionsHash;
        string descriptionCid;
    }

    uint256 private _count;
    mapping(uint256 => Proposal) private _proposals;
    mapping(uint256 => mapping(address => bool)) private _voted;

    event ProposalCreated(
        uint256 indexed id, uint256 indexed dacId, address indexed proposer, Action[] actions, string descriptionCid, uint64 snapshot, uint64 voteEnd, uint64 executableAt, uint256 quorum
    );
    event Voted(uint256 indexed id, address indexed voter, bool support, uint256 weight);
    event ProposalExecuted(uint256 indexed id, address indexed by);

    error NotMember(uint256 dacId, address account);
    error InvalidCid();
    error InvalidActions();
    error UnknownActionKind(uint8 kind);
    error UnknownProposal(uint256 id);
    error VoteClosed(uint64 voteEnd);
    error AlreadyVoted(uint256 id, address voter);
    error NoVotingPower(uint256 id, address voter);
    error ExecutionTooEarly(uint64 executableAt);
    error QuorumNotReached(uint256 votes, uint256 quorum);
    error MajorityNotReached(uint256 forVotes, uint256 againstVotes);
    error AlreadyExecuted(uint256 id);
    error ActionsMismatch(uint256 id);

    /// @notice Proposes `actions` for DAC `dacId` (a member), described by `descriptionCid`; the vote opens at once
    ///         with the reputation of the previous block as weights.
    /// @return id The proposal's id.
    function propose(uint256 dacId, Action[] calldata actions, string calldata descriptionCid) external returns (uint256 id) {
        DacRegistry registry = DacRegistry(Predeploys.DAC_REGISTRY);
        if (!registry.isMember(dacId, msg.sender)) revert NotMember(dacId, msg.sender);
        if (bytes(descriptionCid).length == 0 || bytes(descriptionCid).length > 128) revert InvalidCid();
        if (actions.length == 0 || actions.length > MAX_ACTIONS) revert InvalidActions();
        for (uint256 i; i < actions.length; ++i) {
            if (actions[i].kind >= KINDS) revert UnknownActionKind(actions[i].kind);
        }
        DacParams memory p = registry.params(dacId);
        uint64 snapshot = uint64(block.number - 1);
        uint256 quorum = (DacReputation(Predeploys.DAC_REPUTATION).totalReputationAt(dacId, snapshot) * p.quorumBps + 9_999) / 10_000;
        uint64 voteEnd = uint64(block.timestamp) + p.voteWindow;
        uint64 executableAt = voteEnd + p.executionDelay;
        id = ++_count;
        Proposal storage pr = _proposals[id];
        pr.dacId = dacId;
        pr.proposer = msg.sender;
        pr.snapshot = snapshot;
        pr.voteEnd = voteEnd;
        pr.executableAt = executableAt;
        pr.quorum = quorum;
        pr.actionsHash = keccak256(abi.encode(actions));
        pr.descriptionCid = descriptionCid;
        emit ProposalCreated(id, dacId, msg.sender, actions, descriptionCid, snapshot, voteEnd, executableAt, quorum);
    }

    /// @notice Votes on proposal `id` (a member, once, until the vote end; weight = reputation at the snapshot).
    function vote(uint256 id, bool support) external {
        Proposal storage pr = _get(id);
        if (block.timestamp > pr.voteEnd) revert VoteClosed(pr.voteEnd);
        if (!DacRegistry(Predeploys.DAC_REGISTRY).isMember(pr.dacId, msg.sender)) revert NotMember(pr.dacId, msg.sender);
        if (_voted[id][msg.sender]) revert AlreadyVoted(id, msg.sender);
        uint256 weight = DacReputation(Predeploys.DAC_REPUTATION).reputationAt(pr.dacId, msg.sender, pr.snapshot);
        if (weight == 0) revert NoVotingPower(id, msg.sender);
        _voted[id][msg.sender] = true;
        if (support) pr.forVotes += weight;
        else pr.againstVotes += weight;
        emit Voted(id, msg.sender, support, weight);
    }

    /// @notice Executes proposal `id` with its `actions` (anyone), after the vote end plus the execution delay, if it
    ///         reached the quorum and more votes for than against. All actions apply or none.
    function execute(uint256 id, Action[] calldata actions) external {
        Proposal storage pr = _get(id);
        if (pr.executed) revert AlreadyExecuted(id);
        if (block.timestamp < pr.executableAt) revert ExecutionTooEarly(pr.executableAt);
        uint256 votes = pr.forVotes + pr.againstVotes;
        if (votes < pr.quorum || votes == 0) revert QuorumNotReached(votes, pr.quorum);
        if (pr.forVotes <= pr.againstVotes) revert MajorityNotReached(pr.forVotes, pr.againstVotes);
        if (keccak256(abi.encode(actions)) != pr.actionsHash) revert ActionsMismatch(id);
        pr.executed = true;
        emit ProposalExecuted(id, msg.sender);
        for (uint256 i; i < actions.length; ++i) {
            _apply(pr.dacId, actions[i]);
        }
    }

    /// @notice Proposal `id`.
    function proposal(uint256 id) external view returns (Proposal memory) {
        return _get(id);
    }

    /// @notice The number of proposals (ids are 1..proposalCount).
    function proposalCount() external view returns (uint256) {
        return _count;
    }

    /// @notice Whether `voter` voted on proposal `id`.
    function hasVoted(uint256 id, address voter) external view returns (bool) {
        return _voted[id][voter];
    }

    function _apply(uint256 dacId, Action calldata a) private {
        uint8 k = a.kind;
        if (k == SET_PARAMS) {
            DacRegistry(Predeploys.DAC_REGISTRY).setParams(dacId, abi.decode(a.data, (DacParams)));
        } else if (k == SPEND) {
            (address token, address to, uint256 amount) = abi.decode(a.data, (address, address, uint256));
            DacTreasury(payable(Predeploys.DAC_TREASURY)).spend(dacId, token, to, amount);
        } else if (k == GRANT_ATTRIBUTE) {
            (address member, string memory cid) = abi.decode(a.data, (address, string));
            DacAttributes(Predeploys.DAC_ATTRIBUTES).grant(dacId, member, cid);
        } else if (k == REVOKE_ATTRIBUTE) {
            DacAttributes(Predeploys.DAC_ATTRIBUTES).revoke(dacId, abi.decode(a.data, (uint256)));
        } else if (k == GRANT_ROLE) {
            (address account, bytes32 role) = abi.decode(a.data, (address, bytes32));
            DacRegistry(Predeploys.DAC_REGISTRY).grantRole(dacId, account, role);
        } else if (k == REVOKE_ROLE) {
            (address account, bytes32 role) = abi.decode(a.data, (address, bytes32));
            DacRegistry(Predeploys.DAC_REGISTRY).revokeRole(dacId, account, role);
        } else if (k == MINT_TOKEN) {
            (address to, uint256 amount) = abi.decode(a.data, (address, uint256));
            IDacTokenFactory(Predeploys.DAC_TOKEN_FACTORY).mint(dacId, to, amount);
        } else {
            _launch(dacId, a.data);
        }
    }

    function _launch(uint256 dacId, bytes calldata data) private {
        (string memory name, string memory symbol, uint256 cap, address[] memory holders, uint256[] memory amounts, IDacTokenFactory.Vesting[] memory vesting) =
            abi.decode(data, (string, string, uint256, address[], uint256[], IDacTokenFactory.Vesting[]));
        IDacTokenFactory(Predeploys.DAC_TOKEN_FACTORY).launch(dacId, name, symbol, cap, holders, amounts, vesting);
    }

    function _get(uint256 id) private view returns (Proposal storage pr) {
        pr = _proposals[id];
        if (pr.proposer == address(0)) revert UnknownProposal(id);
    }
}
