// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {Predeploys} from "../Predeploys.sol";
import {DacRegistry} from "./DacRegistry.sol";

/// @title DacAttributes
/// @notice L2 predeploy (Predeploys.DAC_ATTRIBUTES): soulbound ERC-721 attributes (verified skills, roles) of DAC
///         members, metadata = an IPFS CID; granted and revoked by DacProposals only; every transfer and approval
///         reverts with Soulbound.
contract DacAttributes is ERC721("", "") {
    using EnumerableSet for EnumerableSet.UintSet;

    struct Attribute {
        uint256 dacId;
        address holder;
        string cid;
    }

    uint256 private _lastId;
    mapping(uint256 => Attribute) private _attributes;
    mapping(uint256 => mapping(address => EnumerableSet.UintSet)) private _held;

    event AttributeGranted(uint256 indexed dacId, address indexed holder, uint256 indexed tokenId, string cid);
    event AttributeRevoked(uint256 indexed dacId, address indexed holder, uint256 indexed tokenId);

    error Soulbound();
    error OnlyProposals(address caller);
    error NotMember(uint256 dacId, address account);
    error InvalidCid();
    error WrongDac(uint256 tokenId, uint256 dacId);

    /// @notice The collection's name (constant: predeploys run no constructor).
    function name() public pure override returns (string memory) {
        return "Metis DAC Attributes";
    }

    /// @notice The collection's symbol (constant).
    function symbol() public pure override returns (string memory) {
        return "DACATTR";
    }

    /// @notice `ipfs://<cid>` of attribute `tokenId`.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return string.concat("ipfs://", _attributes[tokenId].cid);
    }

    /// @notice Grants a new attribute (metadata `cid`) of DAC `dacId` to member `to` (DacProposals only).
    /// @return tokenId The attribute's token id.
    function grant(uint256 dacId, address to, string calldata cid) external returns (uint256 tokenId) {
        if (msg.sender != Predeploys.DAC_PROPOSALS) revert OnlyProposals(msg.sender);
        if (bytes(cid).length == 0 || bytes(cid).length > 128) revert InvalidCid();
        if (!DacRegistry(Predeploys.DAC_REGISTRY).isMember(dacId, to)) revert NotMember(dacId, to);
        tokenId = ++_lastId;
        _attributes[tokenId] = Attribute(dacId, to, cid);
        _held[dacId][to].add(tokenId);
        _mint(to, tokenId);
        emit AttributeGranted(dacId, to, tokenId, cid);
    }

    /// @notice Revokes (burns) attribute `tokenId`, which must belong to DAC `dacId` (DacProposals only).
    function revoke(uint256 dacId, uint256 tokenId) external {
        if (msg.sender != Predeploys.DAC_PROPOSALS) revert OnlyProposals(msg.sender);
        address holder = _requireOwned(tokenId);
        if (_attributes[tokenId].dacId != dacId) revert WrongDac(tokenId, dacId);
        _held[dacId][holder].remove(tokenId);
        delete _attributes[tokenId];
        _burn(tokenId);
        emit AttributeRevoked(dacId, holder, tokenId);
    }

    /// @notice The attribute token ids `member` holds in DAC `dacId`.
    function attributesOf(uint256 dacId, address member) external view returns (uint256[] memory) {
        return _held[dacId][member].values();
    }

    /// @notice DAC, holder and CID of attribute `tokenId`.
    function attribute(uint256 tokenId) external view returns (Attribute memory) {
        _requireOwned(tokenId);
        return _attributes[tokenId];
    }

    /// @notice Always reverts: attributes are soulbound.
    function approve(address, uint256) public pure override {
        revert Soulbound();
    }

    /// @notice Always reverts: attributes are soulbound.
    function setApprovalForAll(address, bool) public pure override {
        revert Soulbound();
    }

    /// @dev Only mints and burns move attributes: transferFrom and both safeTransferFrom revert Soulbound here,
    ///      before any ownership or approval check.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert Soulbound();
        return super._update(to, tokenId, auth);
    }
}
