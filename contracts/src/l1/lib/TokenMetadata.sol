// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TokenMetadata
/// @notice Reads an ERC-20's name, symbol and decimals without ever reverting: a missing function, a revert,
///         or return data that is not a well-formed ABI string falls back to "" (name, symbol) or 18 (decimals).
///         Tokens that return bytes32 strings (e.g. MKR) are read up to their first zero byte.
///         Names and symbols are cut to MAX_LENGTH bytes (at a UTF-8 character boundary) so that creating the
///         L2 token has a bounded cost.
/// @dev A plain try/catch would not do: a failure to decode the return data is not caught by try/catch.
library TokenMetadata {
    uint256 internal constant MAX_LENGTH = 64;

    /// @notice abi.encode(string name, string symbol, uint8 decimals) of `token`, with the fallbacks above.
    function encode(address token) internal view returns (bytes memory) {
        return abi.encode(readString(token, 0x06fdde03), readString(token, 0x95d89b41), readDecimals(token));
    }

    /// @notice The string returned by `token`'s function `selector` (name() or symbol()), or "".
    function readString(address token, bytes4 selector) internal view returns (string memory) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(selector));
        if (!ok) return "";
        if (ret.length == 32) return _bytes32ToString(bytes32(ret));
        if (ret.length < 64) return "";
        uint256 offset;
        uint256 len;
        assembly ("memory-safe") {
            offset := mload(add(ret, 32))
        }
        if (offset > ret.length - 32) return "";
        assembly ("memory-safe") {
            len := mload(add(add(ret, 32), offset))
        }
        if (len > ret.length - 32 - offset) return "";
        if (len > MAX_LENGTH) {
            len = MAX_LENGTH;
            // Do not cut a UTF-8 character: back off over continuation bytes (10xxxxxx).
            while (len > 0 && (uint8(ret[32 + offset + len]) & 0xC0) == 0x80) --len;
        }
        bytes memory out = new bytes(len);
        for (uint256 i = 0; i < len; ++i) {
            out[i] = ret[32 + offset + i];
        }
        return string(out);
    }

    /// @notice `token.decimals()` if it returns a value that fits a uint8, else 18.
    function readDecimals(address token) internal view returns (uint8) {
        (bool ok, bytes memory ret) = token.staticcall(abi.encodeWithSelector(0x313ce567));
        if (!ok || ret.length < 32) return 18;
        uint256 value = abi.decode(ret, (uint256));
        return value <= type(uint8).max ? uint8(value) : 18;
    }

    function _bytes32ToString(bytes32 value) private pure returns (string memory) {
        uint256 len = 0;
        while (len < 32 && value[len] != 0) ++len;
        bytes memory out = new bytes(len);
        for (uint256 i = 0; i < len; ++i) {
            out[i] = value[i];
        }
        return string(out);
    }
}
