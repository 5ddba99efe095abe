// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BridgedToken} from "./BridgedToken.sol";
import {MessagePasser} from "./MessagePasser.sol";
import {Predeploys} from "./Predeploys.sol";

/// @title L2Bridge
/// @notice L2 predeploy at Predeploys.L2_BRIDGE. The node replays the L1 deposit queue into `finalizeDeposit`,
///         in order and exactly once, as calls from Predeploys.SYSTEM_CALLER; users withdraw ETH and bridged
///         tokens back to L1 through the MessagePasser.
///         L2-native tokens (e.g. a DAC's token) are bridgeable once registered: the L1 Bridge's
///         `registerL2Token` queues a deposit of amount 0 {to: the native token, l1Token: its L1 mirror,
///         tokenMeta: abi.encode(name, symbol, decimals)}, accepted here if the token's metadata match. A
///         withdrawal of a registered native token escrows it here (the withdrawal carries the mirror, which
///         the L1 Bridge mints); a deposit of the mirror releases escrowed tokens, never mints.
/// @dev Genesis storage: empty (nextDepositIndex 0, no tokens). No constructor logic, no immutables; the
///      reentrancy guard's slot is zero in the genesis, which it reads as "not entered" (its constructor,
///      which would set it to 1, never runs).
///      A deposit never reverts once its caller, gas, index and value are right, so one bad deposit cannot
///      block the queue: ETH that `to` refuses (or that needs more than ETH_DEPOSIT_GAS) is credited to `to`
///      in `failedDeposits` and claimable later; an ERC-20 deposit whose token cannot be created or minted
///      (malformed metadata, a supply overflow) emits DepositFailed (its tokens stay locked on L1); a native token
///      that cannot be released to `to` is credited to `to` in `failedNativeDeposits` (claimable later); a
///      registration that is refused emits NativeRegistrationRefused and DepositFailed, and can be retried
///      (`retryNativeRegistration`). Calls into native tokens get bounded gas (NATIVE_TRANSFER_GAS,
///      METADATA_CALL_GAS) and copy at most 32 bytes of return data, so a token cannot make a deposit revert.
///      The system caller must hold the ETH it forwards: the node credits it before each ETH deposit.
///      Withdrawn ETH is burned by staying in this contract: nothing can take it out except the claims of
///      failed deposits, which are accounted separately.
contract L2Bridge is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Why a native token registration was refused (NativeRegistrationRefused, RegistrationRefused).
    enum RegistrationCheck {
        Ok,
        /// the native token address holds no code
        NotAContract,
        /// the token is a BridgedToken of this bridge (an L1 token's representation)
        BridgedToken,
        /// the token is registered already (with another mirror)
        AlreadyRegistered,
        /// the mirror is already the L1 side of a registered or bridged token
        MirrorInUse,
        /// tokenMeta is not abi.encode(string, string, uint8)
        MalformedMetadata,
        /// name(), symbol() or decimals() did not return exactly the registered values
        MetadataMismatch
    }

    /// @notice Gas forwarded to the recipient of an ETH deposit.
    uint256 public constant ETH_DEPOSIT_GAS = 100_000;
    /// @notice Gas forwarded to a native token's transfer when a deposit of its mirror releases it.
    uint256 public constant NATIVE_TRANSFER_GAS = 300_000;
    /// @notice Gas forwarded to each of a native token's name(), symbol() and decimals() on registration.
    uint256 public constant METADATA_CALL_GAS = 100_000;
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
    error NothingReceived(address l2Token);
    error NoFailedRegistration(address mirror);
    error RegistrationRefused(address mirror, address l2Token, RegistrationCheck reason);

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
    /// @notice Native token `l2Token` is bridgeable, with L1 mirror `mirror` (registration deposit `index`, or
    ///         a retry of it).
    event NativeTokenRegistered(uint64 indexed index, address indexed l2Token, address indexed mirror);
    /// @notice Registration deposit `index` of `l2Token` with mirror `mirror` was refused (see RegistrationCheck).
    event NativeRegistrationRefused(uint64 indexed index, address indexed l2Token, address indexed mirror, RegistrationCheck reason);
    event FailedNativeDepositClaimed(address indexed account, address indexed l2Token, address indexed recipient, uint256 amount);

    uint64 private _nextDepositIndex;
    mapping(address l1Token => address) private _l2TokenOf;
    mapping(address l2Token => address) private _l1TokenOf;
    /// @notice ETH of deposits that could not be delivered, claimable by the deposit's recipient.
    mapping(address account => uint256) public failedDeposits;
    /// @notice The L1 mirror of registered native token `l2Token`, or address(0).
    mapping(address l2Token => address) public mirrorOf;
    /// @notice The native token of L1 mirror `mirror`, or address(0).
    mapping(address mirror => address) public nativeOf;
    /// @notice Native tokens of deposits that could not be released, claimable by the deposit's recipient.
    mapping(address account => mapping(address l2Token => uint256)) public failedNativeDeposits;
    /// @notice keccak256(abi.encode(index, l2Token, tokenMeta)) of refused registration deposit `index` with
    ///         mirror `mirror`, which `retryNativeRegistration` may apply later; zero if none.
    mapping(address mirror => bytes32) public failedRegistrations;
    mapping(address l2Token => uint256) private _escrowed;

    /// @notice Applies L1 deposit `index` (system caller only; exactly the next index). For ETH, msg.value must
    ///         equal `amount` and is forwarded to `to`; for an ERC-20, `amount` of its L2 token is minted to `to`,
    ///         the token being created from `tokenMeta` (abi.encode(name, symbol, decimals)) on first use. For the
    ///         mirror of a registered native token, `amount` of the escrowed native token is sent to `to`. A token
    ///         deposit of amount 0 (which the L1 Bridge queues only from `registerL2Token`) registers native token
    ///         `to` with mirror `l1Token`.
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

    /// @notice Withdraws `amount` of `l2Token` to `to` on L1. A bridged token is burned from the caller; a
    ///         registered native token is pulled from the caller (approve this bridge first) into escrow, and the
    ///         withdrawal, of the amount that arrived (fee-on-transfer tokens), carries its L1 mirror.
    function withdrawERC20(address l2Token, address to, uint256 amount) external nonReentrant returns (uint256 nonce) {
        address l1Token = _l1TokenOf[l2Token];
        bool native = l1Token == address(0);
        if (native) l1Token = mirrorOf[l2Token];
        if (l1Token == address(0)) revert UnknownToken(l2Token);
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress("to");
        if (native) {
            IERC20 token = IERC20(l2Token);
            uint256 before = token.balanceOf(address(this));
            token.safeTransferFrom(msg.sender, address(this), amount);
            amount = token.balanceOf(address(this)) - before;
            if (amount == 0) revert NothingReceived(l2Token);
            _escrowed[l2Token] += amount;
        } else {
            BridgedToken(l2Token).burn(msg.sender, amount);
        }
        (nonce,) = MessagePasser(Predeploys.MESSAGE_PASSER).initiateWithdrawal(msg.sender, to, l1Token, amount);
        emit WithdrawalRequested(nonce, msg.sender, to, l2Token, l1Token, amount);
    }

    /// @notice Sends the caller's native tokens `l2Token` of deposits that could not be released to `recipient`.
    function claimFailedNativeDeposits(address l2Token, address recipient) external nonReentrant {
        uint256 amount = failedNativeDeposits[msg.sender][l2Token];
        if (amount == 0) revert NothingToClaim(msg.sender);
        if (recipient == address(0)) revert ZeroAddress("recipient");
        failedNativeDeposits[msg.sender][l2Token] = 0;
        emit FailedNativeDepositClaimed(msg.sender, l2Token, recipient, amount);
        IERC20(l2Token).safeTransfer(recipient, amount);
    }

    /// @notice Applies a refused registration again (anyone may): `index`, `l2Token` and `tokenMeta` must be those
    ///         of the refused registration deposit of `mirror` (see NativeRegistrationRefused and the L1 Bridge's
    ///         L2TokenRegistered), and the checks must pass now (e.g. the token was deployed on L2 after the
    ///         registration arrived). Reverts RegistrationRefused otherwise.
    /// @dev Without this, anyone could make a future token unbridgeable by registering its predicted address on
    ///      L1 before it exists on L2: the L1 Bridge refuses the same registration twice.
    function retryNativeRegistration(uint64 index, address mirror, address l2Token, bytes calldata tokenMeta) external {
        bytes32 recorded = failedRegistrations[mirror];
        if (recorded == bytes32(0) || recorded != keccak256(abi.encode(index, l2Token, tokenMeta))) {
            revert NoFailedRegistration(mirror);
        }
        RegistrationCheck check = checkNativeRegistration(l2Token, mirror, tokenMeta);
        if (check != RegistrationCheck.Ok) revert RegistrationRefused(mirror, l2Token, check);
        delete failedRegistrations[mirror];
        _register(l2Token, mirror);
        emit NativeTokenRegistered(index, l2Token, mirror);
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

    /// @notice How much of native token `l2Token` is escrowed here for its L1 mirror: withdrawn minus released
    ///         (= the mirror's total supply on L1 plus what is in flight either way). Unclaimed failed native
    ///         deposits and tokens sent here directly are not counted.
    function escrowedOf(address l2Token) external view returns (uint256) {
        return _escrowed[l2Token];
    }

    /// @notice Whether a registration of native token `l2Token` with mirror `mirror` and `tokenMeta` would be
    ///         accepted now (RegistrationCheck.Ok) or why not.
    /// @dev The metadata calls get METADATA_CALL_GAS each and must return exactly abi.encode(name),
    ///      abi.encode(symbol) and abi.encode(uint256(decimals)).
    function checkNativeRegistration(address l2Token, address mirror, bytes calldata tokenMeta)
        public
        view
        returns (RegistrationCheck)
    {
        if (l2Token.code.length == 0) return RegistrationCheck.NotAContract;
        if (_l1TokenOf[l2Token] != address(0)) return RegistrationCheck.BridgedToken;
        if (mirrorOf[l2Token] != address(0)) return RegistrationCheck.AlreadyRegistered;
        if (nativeOf[mirror] != address(0) || _l2TokenOf[mirror] != address(0) || mirror == address(0)) {
            return RegistrationCheck.MirrorInUse;
        }
        string memory name;
        string memory symbol;
        uint8 decimals;
        try this.decodeTokenMeta(tokenMeta) returns (string memory n, string memory s, uint8 d) {
            (name, symbol, decimals) = (n, s, d);
        } catch {
            return RegistrationCheck.MalformedMetadata;
        }
        if (
            !_returnsExactly(l2Token, 0x06fdde03, abi.encode(name)) || !_returnsExactly(l2Token, 0x95d89b41, abi.encode(symbol))
                || !_returnsExactly(l2Token, 0x313ce567, abi.encode(uint256(decimals)))
        ) return RegistrationCheck.MetadataMismatch;
        return RegistrationCheck.Ok;
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
        if (amount == 0) return _registerNative(index, from, to, l1Token, tokenMeta);
        address native = nativeOf[l1Token];
        if (native != address(0)) return _releaseNative(index, from, to, l1Token, native, amount);
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

    /// @dev Registration deposit: `l2Token` is the deposit's `to`, `mirror` its l1Token.
    function _registerNative(uint64 index, address from, address l2Token, address mirror, bytes calldata tokenMeta) private {
        RegistrationCheck check = checkNativeRegistration(l2Token, mirror, tokenMeta);
        if (check == RegistrationCheck.Ok) {
            _register(l2Token, mirror);
            emit NativeTokenRegistered(index, l2Token, mirror);
            emit DepositFinalized(index, from, l2Token, mirror, l2Token, 0);
        } else {
            failedRegistrations[mirror] = keccak256(abi.encode(index, l2Token, tokenMeta));
            emit NativeRegistrationRefused(index, l2Token, mirror, check);
            emit DepositFailed(index, from, l2Token, mirror, 0);
        }
    }

    function _register(address l2Token, address mirror) private {
        mirrorOf[l2Token] = mirror;
        nativeOf[mirror] = l2Token;
    }

    /// @dev A deposit of mirror `mirror`: sends `amount` of escrowed `l2Token` to `to`, or credits it to `to`
    ///      in failedNativeDeposits if the transfer fails.
    function _releaseNative(uint64 index, address from, address to, address mirror, address l2Token, uint256 amount) private {
        uint256 escrowed = _escrowed[l2Token];
        // Cannot happen: the L1 Bridge mints mirrors only for proven withdrawals into this escrow.
        if (amount > escrowed) {
            emit DepositFailed(index, from, to, mirror, amount);
            return;
        }
        _escrowed[l2Token] = escrowed - amount;
        if (_transferOut(l2Token, to, amount)) {
            emit DepositFinalized(index, from, to, mirror, l2Token, amount);
        } else {
            failedNativeDeposits[to][l2Token] += amount;
            emit DepositFailed(index, from, to, mirror, amount);
        }
    }

    /// @dev `token.transfer(to, amount)` with NATIVE_TRANSFER_GAS, successful as SafeERC20 sees it (no return
    ///      data, or a word equal to 1); at most 32 bytes of return data are copied.
    function _transferOut(address token, address to, uint256 amount) private returns (bool ok) {
        bytes memory data = abi.encodeCall(IERC20.transfer, (to, amount));
        uint256 gasLimit = NATIVE_TRANSFER_GAS;
        assembly ("memory-safe") {
            mstore(0, 0)
            let success := call(gasLimit, token, 0, add(data, 32), mload(data), 0, 32)
            let size := returndatasize()
            ok := and(success, or(iszero(size), and(gt(size, 31), eq(mload(0), 1))))
        }
    }

    /// @dev Whether `token`'s parameterless view `selector` returns exactly `expected` (METADATA_CALL_GAS; the
    ///      return data is copied only when it has the expected length).
    function _returnsExactly(address token, bytes4 selector, bytes memory expected) private view returns (bool ok) {
        uint256 gasLimit = METADATA_CALL_GAS;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            let success := staticcall(gasLimit, token, ptr, 4, 0, 0)
            let size := returndatasize()
            if and(success, eq(size, mload(expected))) {
                returndatacopy(ptr, 0, size)
                ok := eq(keccak256(ptr, size), keccak256(add(expected, 32), size))
            }
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
