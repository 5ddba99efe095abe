// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {BridgedToken} from "./BridgedToken.sol";
import {MessagePasser} from "./MessagePasser.sol";
import {Predeploys} from "./Predeploys.sol";

/// @title L2Bridge
/// @notice L2 predeploy at Predeploys.L2_BRIDGE. The node replays the L1 deposit queue into `finalizeDeposit`,
///         in order and exactly once, as calls from Predeploys.SYSTEM_CALLER; users withdraw ETH and bridged
///         tokens back to L1 through the MessagePasser.
/// @dev Genesis storage: empty (nextDepositIndex 0, no tokens). No constructor logic, no immutables.
///      A deposit never reverts once its caller, gas, index and value are right, so one bad deposit cannot
///      block the queue: ETH that `to` refuses (or that needs more than ETH_DEPOSIT_GAS) is credited to `to`
///      in `failedDeposits` and claimable later; an ERC-20 deposit whose token cannot be created or minted
///      (malformed metadata, a supply overflow) emits DepositFailed (its tokens stay locked on L1).
///      The system caller must hold the ETH it forwards: the node credits it before each ETH deposit.
///      Withdrawn ETH is burned by staying in this contract: nothing can take it out except the claims of
///      failed deposits, which are accounted separately.
contract L2Bridge {
    /// @notice Gas forwarded to the recipient of an ETH deposit.
    uint256 public constant ETH_DEPOSIT_GAS = 100_000;
    /// @notice Gas finalizeDeposit must have left when it starts (creating a token costs up to about 700k):
    ///         with less it reverts, so that a deposit is never marked failed for lack of gas. The node runs
    ///         each deposit with a fixed gas limit of 1,000,000 (not an estimate).
    uint256 public constant MIN_DEPOSIT_GAS = 900_000;

    error OnlySystemCaller(address caller);
    error InsufficientDepositGas(uint256 gasLeft, uint256 required);
    error WrongDepositIndex(uint64 expected, uint64 got);
    error ValueMismatch(uint256 expected, uint256 got);
    error ZeroAmount();
    error ZeroAddress(string field);
    error UnknownToken(address l2Token);
    error NothingToClaim(address account);

    event DepositFinalized(
        uint64 indexed index, address indexed from, address indexed to, address l1Token, address l2Token, uint256 amount
    );
    /// @notice For ETH, `amount` was credited to `to` in failedDeposits; for ERC-20, nothing was minted.
    event DepositFailed(uint64 indexed index, address indexed from, address indexed to, address l1Token, uint256 amount);
    event TokenCreated(address indexed l1Token, address indexed l2Token, string name, string symbol, uint8 decimals);
    event FailedDepositClaimed(address indexed account, address indexed recipient, uint256 amount);
    event WithdrawalRequested(
        uint256 indexed nonce, address indexed from, address indexed to, address l2Token, address l1Token, uint256 amount
    );

    uint64 private _nextDepositIndex;
    mapping(address l1Token => address) private _l2TokenOf;
    mapping(address l2Token => address) private _l1TokenOf;
    /// @notice ETH of deposits that could not be delivered, claimable by the deposit's recipient.
    mapping(address account => uint256) public failedDeposits;

    /// @notice Applies L1 deposit `index` (system caller only; exactly the next index). For ETH, msg.value must
    ///         equal `amount` and is forwarded to `to`; for an ERC-20, `amount` of its L2 token is minted to `to`,
    ///         the token being created from `tokenMeta` (abi.encode(name, symbol, decimals)) on first use.
    function finalizeDeposit(
        uint64 index,
        address from,
        address to,
        address l1Token,
        uint256 amount,
        bytes calldata tokenMeta
    ) external payable {
        if (msg.sender != Predeploys.SYSTEM_CALLER) revert OnlySystemCaller(msg.sender);
        if (gasleft() < MIN_DEPOSIT_GAS) revert InsufficientDepositGas(gasleft(), MIN_DEPOSIT_GAS);
        if (index != _nextDepositIndex) revert WrongDepositIndex(_nextDepositIndex, index);
        uint256 expectedValue = l1Token == address(0) ? amount : 0;
        if (msg.value != expectedValue) revert ValueMismatch(expectedValue, msg.value);
        _nextDepositIndex = index + 1;
        if (l1Token == address(0)) _depositETH(index, from, to, amount);
        else _depositERC20(index, from, to, l1Token, amount, tokenMeta);
    }

    /// @notice Withdraws msg.value wei to `to` on L1. The ETH stays here (burned on L2).
    function withdrawETH(address to) external payable returns (uint256 nonce) {
        if (msg.value == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress("to");
        (nonce,) = MessagePasser(Predeploys.MESSAGE_PASSER).initiateWithdrawal(msg.sender, to, address(0), msg.value);
        emit WithdrawalRequested(nonce, msg.sender, to, address(0), address(0), msg.value);
    }

    /// @notice Burns `amount` of bridged token `l2Token` from the caller and withdraws it to `to` on L1.
    function withdrawERC20(address l2Token, address to, uint256 amount) external returns (uint256 nonce) {
        address l1Token = _l1TokenOf[l2Token];
        if (l1Token == address(0)) revert UnknownToken(l2Token);
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress("to");
        BridgedToken(l2Token).burn(msg.sender, amount);
        (nonce,) = MessagePasser(Predeploys.MESSAGE_PASSER).initiateWithdrawal(msg.sender, to, l1Token, amount);
        emit WithdrawalRequested(nonce, msg.sender, to, l2Token, l1Token, amount);
    }

    /// @notice Sends the caller's failed ETH deposits to `recipient`.
    function claimFailedDeposits(address payable recipient) external {
        uint256 amount = failedDeposits[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        if (recipient == address(0)) revert ZeroAddress("recipient");
        failedDeposits[msg.sender] = 0;
        emit FailedDepositClaimed(msg.sender, recipient, amount);
        Address.sendValue(recipient, amount);
    }

    /// @notice The index the next deposit must have (= the number of deposits applied).
    function nextDepositIndex() external view returns (uint64) {
        return _nextDepositIndex;
    }

    /// @notice The L2 token of `l1Token`, or address(0) before its first deposit.
    function l2TokenFor(address l1Token) external view returns (address) {
        return _l2TokenOf[l1Token];
    }

    /// @notice The L1 token of bridged token `l2Token`, or address(0) if this bridge did not create it.
    function l1TokenFor(address l2Token) external view returns (address) {
        return _l1TokenOf[l2Token];
    }

    /// @notice Decodes a deposit's tokenMeta; reverts if it is malformed (used through try/catch).
    function decodeTokenMeta(bytes calldata tokenMeta) external pure returns (string memory, string memory, uint8) {
        return abi.decode(tokenMeta, (string, string, uint8));
    }

    function _depositETH(uint64 index, address from, address to, uint256 amount) private {
        bool ok;
        uint256 gasLimit = ETH_DEPOSIT_GAS;
        // No return data is copied: a recipient cannot make this call expensive beyond its gas.
        assembly ("memory-safe") {
            ok := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
        if (ok) {
            emit DepositFinalized(index, from, to, address(0), address(0), amount);
        } else {
            failedDeposits[to] += amount;
            emit DepositFailed(index, from, to, address(0), amount);
        }
    }

    function _depositERC20(uint64 index, address from, address to, address l1Token, uint256 amount, bytes calldata tokenMeta)
        private
    {
        address l2Token = _l2TokenOf[l1Token];
        if (l2Token == address(0)) {
            l2Token = _createToken(l1Token, tokenMeta);
            if (l2Token == address(0)) {
                emit DepositFailed(index, from, to, l1Token, amount);
                return;
            }
        }
        try BridgedToken(l2Token).mint(to, amount) {
            emit DepositFinalized(index, from, to, l1Token, l2Token, amount);
        } catch {
            emit DepositFailed(index, from, to, l1Token, amount);
        }
    }

    /// @return token the new token, or address(0) if tokenMeta is malformed or the creation failed
    function _createToken(address l1Token, bytes calldata tokenMeta) private returns (address token) {
        string memory name;
        string memory symbol;
        uint8 decimals;
        try this.decodeTokenMeta(tokenMeta) returns (string memory n, string memory s, uint8 d) {
            (name, symbol, decimals) = (n, s, d);
        } catch {
            return address(0);
        }
        try new BridgedToken{salt: bytes32(uint256(uint160(l1Token)))}(name, symbol, decimals, l1Token) returns (BridgedToken t) {
            token = address(t);
        } catch {
            return address(0);
        }
        _l2TokenOf[l1Token] = token;
        _l1TokenOf[token] = l1Token;
        emit TokenCreated(l1Token, token, name, symbol, decimals);
    }
}
