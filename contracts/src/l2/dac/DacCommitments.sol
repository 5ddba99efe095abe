// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacParams} from "./interfaces/IDacTypes.sol";
import {IDacTokenFactory} from "../token/IDacTokenFactory.sol";
import {DacRegistry} from "./DacRegistry.sol";
import {DacReputation} from "./DacReputation.sol";
import {DacTreasury} from "./DacTreasury.sol";

/// @title DacCommitments
/// @notice L2 predeploy (Predeploys.DAC_COMMITMENTS): Optimistic Governance. A member commits to a deliverable with
///         a bond (ETH, or the DAC's token), delivers before the deadline, and a challenge window follows. Unchallenged:
///         bond back, reward from the treasury, reputation up. Challenged (counter-bond equal to the bond): members vote
///         weighted by reputation; the loser's bond goes half to the winner, half to the treasury. Undelivered by the
///         deadline: anyone slashes the bond into the treasury. Payouts are pull payments (`withdraw`).
contract DacCommitments is ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum Status {
        None,
        Open,
        Delivered,
        Challenged,
        Kept,
        Failed,
        Slashed
    }

    struct Commitment {
        uint256 dacId;
        address member;
        address token; // address(0) = ETH
        uint256 bond;
        uint256 reward;
        uint64 deadline;
        uint64 challengeEnd;
        uint64 voteEnd;
        uint64 snapshot;
        address challenger;
        Status status;
        uint256 votesKept;
        uint256 votesFailed;
        string descriptionCid;
        string deliverableCid;
    }

    uint256 private _count;
    mapping(uint256 => Commitment) private _commitments;
    mapping(bytes32 => uint256) private _open;
    mapping(uint256 => mapping(address => bool)) private _voted;
    mapping(address => mapping(address => uint256)) private _owed;

    event Committed(
        uint256 indexed id, uint256 indexed dacId, address indexed member, address token, uint256 bond, uint256 reward, uint64 deadline, string descriptionCid
    );
    event Delivered(uint256 indexed id, string deliverableCid, uint64 challengeEnd);
    event Challenged(uint256 indexed id, address indexed challenger, uint64 voteEnd, uint64 snapshot);
    event Voted(uint256 indexed id, address indexed voter, bool kept, uint256 weight);
    event Resolved(uint256 indexed id, bool kept, address indexed winner, uint256 toWinner, uint256 toTreasury, uint256 reward);
    event Slashed(uint256 indexed id, address indexed by, uint256 bond);
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    error NotMember(uint256 dacId, address account);
    error InvalidCid();
    error BondTooSmall(uint256 bond, uint256 minimum);
    error DeadlinePassed(uint64 deadline);
    error DeadlineNotPassed(uint64 deadline);
    error AlreadyCommitted(uint256 openId);
    error NoDacToken(uint256 dacId);
    error UnexpectedValue();
    error WrongStatus(uint256 id, Status status);
    error NotCommitter(uint256 id, address caller);
    error SelfChallenge(uint256 id);
    error ChallengeWindowClosed(uint64 challengeEnd);
    error WrongCounterBond(uint256 sent, uint256 bond);
    error VoteClosed(uint64 voteEnd);
    error AlreadyVoted(uint256 id, address voter);
    error NoVotingPower(uint256 id, address voter);
    error TooEarly(uint64 until);
    error NothingOwed(address account, address token);
    error EthTransferFailed(address to);
    error Unauthorized(address caller);

    /// @notice Only the treasury sends ETH here (rewards).
    receive() external payable {
        if (msg.sender != Predeploys.DAC_TREASURY) revert Unauthorized(msg.sender);
    }

    /// @notice Commits to the deliverable `descriptionCid` by `deadline` with an ETH bond of msg.value (at least the
    ///         DAC's bondSize), asking `reward` wei from the treasury when kept.
    /// @return id The commitment's id.
    function commit(uint256 dacId, string calldata descriptionCid, uint64 deadline, uint256 reward) external payable nonReentrant returns (uint256 id) {
        return _commit(dacId, descriptionCid, deadline, reward, address(0), msg.value);
    }

    /// @notice Same as `commit` with a bond of `amount` of the DAC's token (pulled; approve first), reward in that token.
    function commitToken(uint256 dacId, string calldata descriptionCid, uint64 deadline, uint256 reward, uint256 amount)
        external
        nonReentrant
        returns (uint256 id)
    {
        address token = dacToken(dacId);
        if (token == address(0)) revert NoDacToken(dacId);
        id = _commit(dacId, descriptionCid, deadline, reward, token, amount);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Delivers commitment `id` (its committer, by the deadline): the challenge window opens.
    function deliver(uint256 id, string calldata deliverableCid) external {
        Commitment storage c = _get(id);
        if (c.status != Status.Open) revert WrongStatus(id, c.status);
        if (msg.sender != c.member) revert NotCommitter(id, msg.sender);
        if (block.timestamp > c.deadline) revert DeadlinePassed(c.deadline);
        _checkCid(deliverableCid);
        c.deliverableCid = deliverableCid;
        c.status = Status.Delivered;
        c.challengeEnd = uint64(block.timestamp) + DacRegistry(Predeploys.DAC_REGISTRY).params(c.dacId).challengeWindow;
        emit Delivered(id, deliverableCid, c.challengeEnd);
    }

    /// @notice Challenges delivered commitment `id` within its window (another member), with a counter-bond equal to
    ///         the bond: msg.value for ETH, or pulled in the DAC's token (approve first). The vote opens.
    function challenge(uint256 id) external payable nonReentrant {
        Commitment storage c = _get(id);
        if (c.status != Status.Delivered) revert WrongStatus(id, c.status);
        if (block.timestamp > c.challengeEnd) revert ChallengeWindowClosed(c.challengeEnd);
        if (msg.sender == c.member) revert SelfChallenge(id);
        DacRegistry registry = DacRegistry(Predeploys.DAC_REGISTRY);
        if (!registry.isMember(c.dacId, msg.sender)) revert NotMember(c.dacId, msg.sender);
        if (c.token == address(0)) {
            if (msg.value != c.bond) revert WrongCounterBond(msg.value, c.bond);
        } else if (msg.value != 0) {
            revert UnexpectedValue();
        }
        c.challenger = msg.sender;
        c.status = Status.Challenged;
        c.snapshot = uint64(block.number - 1);
        c.voteEnd = uint64(block.timestamp) + registry.params(c.dacId).voteWindow;
        emit Challenged(id, msg.sender, c.voteEnd, c.snapshot);
        if (c.token != address(0)) IERC20(c.token).safeTransferFrom(msg.sender, address(this), c.bond);
    }

    /// @notice Votes on challenged commitment `id` (a member, once, weight = reputation at the challenge's snapshot):
    ///         `kept` true backs the committer, false the challenger.
    function vote(uint256 id, bool kept) external {
        Commitment storage c = _get(id);
        if (c.status != Status.Challenged) revert WrongStatus(id, c.status);
        if (block.timestamp > c.voteEnd) revert VoteClosed(c.voteEnd);
        if (!DacRegistry(Predeploys.DAC_REGISTRY).isMember(c.dacId, msg.sender)) revert NotMember(c.dacId, msg.sender);
        if (_voted[id][msg.sender]) revert AlreadyVoted(id, msg.sender);
        uint256 weight = DacReputation(Predeploys.DAC_REPUTATION).reputationAt(c.dacId, msg.sender, c.snapshot);
        if (weight == 0) revert NoVotingPower(id, msg.sender);
        _voted[id][msg.sender] = true;
        if (kept) c.votesKept += weight;
        else c.votesFailed += weight;
        emit Voted(id, msg.sender, kept, weight);
    }

    /// @notice Resolves commitment `id` (anyone): delivered and unchallenged after the window → kept; challenged after
    ///         the vote → kept if the votes for the committer are at least those against (ties favour the delivery).
    function resolve(uint256 id) external nonReentrant {
        Commitment storage c = _get(id);
        Status s = c.status;
        uint256 toWinner;
        uint256 toTreasury;
        address winner;
        bool kept;
        if (s == Status.Delivered) {
            if (block.timestamp <= c.challengeEnd) revert TooEarly(c.challengeEnd);
            kept = true;
            winner = c.member;
            toWinner = c.bond;
        } else if (s == Status.Challenged) {
            if (block.timestamp <= c.voteEnd) revert TooEarly(c.voteEnd);
            kept = c.votesKept >= c.votesFailed;
            winner = kept ? c.member : c.challenger;
            toTreasury = c.bond / 2;
            toWinner = 2 * c.bond - toTreasury; // own bond back + the other half of the loser's
        } else {
            revert WrongStatus(id, s);
        }
        c.status = kept ? Status.Kept : Status.Failed;
        delete _open[_key(c.dacId, c.member, c.descriptionCid)];
        uint256 step = DacRegistry(Predeploys.DAC_REGISTRY).params(c.dacId).reputationStep;
        DacReputation reputation = DacReputation(Predeploys.DAC_REPUTATION);
        uint256 reward;
        if (kept) {
            reputation.increase(c.dacId, c.member, step);
            if (s == Status.Challenged) reputation.decrease(c.dacId, c.challenger, step);
            if (c.reward != 0) reward = DacTreasury(payable(Predeploys.DAC_TREASURY)).release(c.dacId, c.token, c.reward);
        } else {
            reputation.decrease(c.dacId, c.member, step);
            reputation.increase(c.dacId, c.challenger, step);
        }
        _owed[winner][c.token] += toWinner + reward;
        emit Resolved(id, kept, winner, toWinner, toTreasury, reward);
        if (toTreasury != 0) _toTreasury(c.dacId, c.token, toTreasury);
    }

    /// @notice Slashes open commitment `id` whose deadline passed undelivered (anyone): the bond goes to the DAC's
    ///         treasury and the committer's reputation drops.
    function slash(uint256 id) external nonReentrant {
        Commitment storage c = _get(id);
        if (c.status != Status.Open) revert WrongStatus(id, c.status);
        if (block.timestamp <= c.deadline) revert DeadlineNotPassed(c.deadline);
        c.status = Status.Slashed;
        delete _open[_key(c.dacId, c.member, c.descriptionCid)];
        DacReputation(Predeploys.DAC_REPUTATION).decrease(c.dacId, c.member, DacRegistry(Predeploys.DAC_REGISTRY).params(c.dacId).reputationStep);
        emit Slashed(id, msg.sender, c.bond);
        _toTreasury(c.dacId, c.token, c.bond);
    }

    /// @notice Withdraws the caller's whole credit of `token` (address(0) = ETH): returned bonds, won bonds, rewards.
    function withdraw(address token) external nonReentrant {
        uint256 amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        delete _owed[msg.sender][token];
        emit Withdrawn(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert EthTransferFailed(msg.sender);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    /// @notice Commitment `id`.
    function commitment(uint256 id) external view returns (Commitment memory) {
        return _get(id);
    }

    /// @notice The number of commitments (ids are 1..commitmentCount).
    function commitmentCount() external view returns (uint256) {
        return _count;
    }

    /// @notice The open (unresolved) commitment of `member` in DAC `dacId` for `descriptionCid`, 0 if none.
    function openCommitment(uint256 dacId, address member, string calldata descriptionCid) external view returns (uint256) {
        return _open[_key(dacId, member, descriptionCid)];
    }

    /// @notice Whether `voter` voted on commitment `id`.
    function hasVoted(uint256 id, address voter) external view returns (bool) {
        return _voted[id][voter];
    }

    /// @notice What `account` can withdraw of `token`.
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    /// @notice DAC `dacId`'s token (from the token factory predeploy), address(0) if none or no factory.
    function dacToken(uint256 dacId) public view returns (address) {
        if (Predeploys.DAC_TOKEN_FACTORY.code.length == 0) return address(0);
        return IDacTokenFactory(Predeploys.DAC_TOKEN_FACTORY).tokenOf(dacId);
    }

    function _commit(uint256 dacId, string calldata descriptionCid, uint64 deadline, uint256 reward, address token, uint256 bond)
        private
        returns (uint256 id)
    {
        DacRegistry registry = DacRegistry(Predeploys.DAC_REGISTRY);
        if (!registry.isMember(dacId, msg.sender)) revert NotMember(dacId, msg.sender);
        _checkCid(descriptionCid);
        uint256 minimum = registry.params(dacId).bondSize;
        if (bond < minimum) revert BondTooSmall(bond, minimum);
        if (deadline <= block.timestamp) revert DeadlinePassed(deadline);
        bytes32 key = _key(dacId, msg.sender, descriptionCid);
        if (_open[key] != 0) revert AlreadyCommitted(_open[key]);
        id = ++_count;
        _open[key] = id;
        Commitment storage c = _commitments[id];
        c.dacId = dacId;
        c.member = msg.sender;
        c.token = token;
        c.bond = bond;
        c.reward = reward;
        c.deadline = deadline;
        c.status = Status.Open;
        c.descriptionCid = descriptionCid;
        _emitCommitted(id);
    }

    function _emitCommitted(uint256 id) private {
        Commitment storage c = _commitments[id];
        emit Committed(id, c.dacId, c.member, c.token, c.bond, c.reward, c.deadline, c.descriptionCid);
    }

    function _toTreasury(uint256 dacId, address token, uint256 amount) private {
        DacTreasury treasury = DacTreasury(payable(Predeploys.DAC_TREASURY));
        if (token == address(0)) {
            treasury.fund{value: amount}(dacId);
        } else {
            IERC20(token).forceApprove(address(treasury), amount);
            treasury.fundToken(dacId, token, amount);
        }
    }

    function _get(uint256 id) private view returns (Commitment storage c) {
        c = _commitments[id];
        if (c.status == Status.None) revert WrongStatus(id, Status.None);
    }

    function _key(uint256 dacId, address member, string memory cid) private pure returns (bytes32) {
        return keccak256(abi.encode(dacId, member, cid));
    }

    function _checkCid(string calldata cid) private pure {
        if (bytes(cid).length == 0 || bytes(cid).length > 128) revert InvalidCid();
    }
}
