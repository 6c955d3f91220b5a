// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title Rollup
/// @notice The L1 record of the parallel-rollup chain: the batcher posts batches (the batch bytes travel only
///         in calldata, where derivation reads them from the transaction input), and registered provers attest to
///         or dispute each batch's output root with EIP-712 signatures that anyone may relay.
/// @dev Batches form a chain: batch i names batch i-1's output root (or the genesis output root for i = 0) and
///      must end at a later L2 block. Attestation is strictly in order: batch i can only be attested once batches
///      0..i-1 are. There is no slashing and no rollback: a disputed batch can never be attested, so a dispute
///      blocks attestation of that batch and of every batch after it until the contract is replaced.
contract Rollup is EIP712 {
    /// @notice What the contract keeps for one submitted batch.
    /// @param outputRoot the L2 output root claimed after the batch's last block
    /// @param dataHash keccak256 of the batch bytes (the `data` calldata of submitBatch)
    /// @param lastL2Block the number of the last L2 block in the batch
    /// @param l1Block the L1 block in which the batch was submitted
    /// @param attested whether a registered prover attested to the output root
    /// @param disputed whether a registered prover disputed the output root
    struct BatchRecord {
        bytes32 outputRoot;
        bytes32 dataHash;
        uint64 lastL2Block;
        uint64 l1Block;
        bool attested;
        bool disputed;
    }

    /// @notice EIP-712 type hash of `Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)`.
    bytes32 public constant ATTESTATION_TYPEHASH =
        keccak256("Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)");

    /// @notice EIP-712 type hash of `Dispute(uint256 batchIndex,bytes32 claimedOutputRoot,bytes32 computedOutputRoot)`.
    bytes32 public constant DISPUTE_TYPEHASH =
        keccak256("Dispute(uint256 batchIndex,bytes32 claimedOutputRoot,bytes32 computedOutputRoot)");

    /// @notice The account allowed to change the batcher, the provers and the owner.
    address public owner;

    /// @notice The only account allowed to submit batches.
    address public batcher;

    /// @notice Whether an account's signatures count as attestations and disputes.
    mapping(address => bool) public isProver;

    /// @notice The output root of the L2 genesis state (L2 block 0); batch 0 builds on it.
    bytes32 public genesisOutputRoot;

    /// @notice The number of batches submitted; also the index the next batch must have.
    uint256 public nextBatchIndex;

    /// @notice The number of batches attested; batches 0..attestedCount-1 are attested, in order.
    uint256 public attestedCount;

    /// @notice Submitted batches by index (0..nextBatchIndex-1).
    mapping(uint256 => BatchRecord) private _batches;

    /// @notice A batch was accepted.
    /// @param index the batch index (0, 1, 2, ...)
    /// @param outputRoot the L2 output root claimed after the batch
    /// @param prevOutputRoot the output root the batch builds on
    /// @param lastL2Block the last L2 block in the batch
    /// @param dataHash keccak256 of the batch bytes
    event BatchSubmitted(
        uint256 indexed index, bytes32 indexed outputRoot, bytes32 prevOutputRoot, uint64 lastL2Block, bytes32 dataHash
    );

    /// @notice A registered prover attested to a batch's output root.
    /// @param index the batch index
    /// @param outputRoot the attested output root
    /// @param prover the prover whose signature was checked
    event BatchAttested(uint256 indexed index, bytes32 indexed outputRoot, address indexed prover);

    /// @notice A registered prover computed a different output root for a batch.
    /// @param index the batch index
    /// @param claimedOutputRoot the output root the batcher submitted
    /// @param computedOutputRoot the output root the prover computed
    /// @param prover the prover whose signature was checked
    event BatchDisputed(
        uint256 indexed index, bytes32 claimedOutputRoot, bytes32 computedOutputRoot, address indexed prover
    );

    /// @notice The batcher changed (also emitted by the constructor, from the zero address).
    /// @param previous the old batcher
    /// @param current the new batcher
    event BatcherChanged(address indexed previous, address indexed current);

    /// @notice A prover was registered or revoked (also emitted by the constructor for its prover).
    /// @param prover the account
    /// @param allowed whether its signatures now count
    event ProverSet(address indexed prover, bool allowed);

    /// @notice The owner changed (also emitted by the constructor, from the zero address).
    /// @param previous the old owner
    /// @param current the new owner
    event OwnershipTransferred(address indexed previous, address indexed current);

    /// @notice The caller is not the batcher.
    /// @param caller msg.sender
    error NotBatcher(address caller);

    /// @notice The caller is not the owner.
    /// @param caller msg.sender
    error NotOwner(address caller);

    /// @notice The recovered signer is not a registered prover.
    /// @param signer the address recovered from the signature
    error NotProver(address signer);

    /// @notice A zero address was given where an account is required.
    error ZeroAddress();

    /// @notice The submitted batch index is not the next one.
    /// @param expected nextBatchIndex
    /// @param given the index in the call
    error WrongBatchIndex(uint256 expected, uint256 given);

    /// @notice The batch does not build on the latest output root.
    /// @param expected the previous batch's output root (or the genesis output root)
    /// @param given the prevOutputRoot in the call
    error WrongPreviousOutputRoot(bytes32 expected, bytes32 given);

    /// @notice The batch does not end after the previous batch's last L2 block.
    /// @param previous the previous batch's last L2 block (0 before the first batch)
    /// @param given the lastL2Block in the call
    error L2BlockNotAfterPrevious(uint64 previous, uint64 given);

    /// @notice The batch bytes are empty.
    error EmptyBatch();

    /// @notice keccak256 of the batch bytes differs from the given data hash.
    /// @param given the dataHash in the call
    /// @param actual keccak256(data)
    error DataHashMismatch(bytes32 given, bytes32 actual);

    /// @notice No batch has this index.
    /// @param index the index asked for
    error UnknownBatch(uint256 index);

    /// @notice Only the batch at index attestedCount can be attested.
    /// @param expected attestedCount
    /// @param given the index in the call
    error AttestationOutOfOrder(uint256 expected, uint256 given);

    /// @notice The attested output root differs from the submitted one.
    /// @param stored the submitted output root
    /// @param given the output root in the call
    error OutputRootMismatch(bytes32 stored, bytes32 given);

    /// @notice The batch was disputed, so it cannot be attested (or disputed again).
    /// @param index the batch index
    error BatchIsDisputed(uint256 index);

    /// @notice The batch was attested, so it can no longer be disputed.
    /// @param index the batch index
    error BatchAlreadyAttested(uint256 index);

    /// @notice The computed output root equals the claimed one.
    error NothingToDispute();

    /// @notice Reverts unless the caller is the owner.
    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Sets up the roles and the genesis output root.
    /// @param owner_ the admin account (nonzero)
    /// @param batcher_ the only account allowed to submit batches (nonzero)
    /// @param prover_ a first registered prover, or the zero address for none
    /// @param genesisOutputRoot_ the output root of L2 block 0
    constructor(address owner_, address batcher_, address prover_, bytes32 genesisOutputRoot_)
        EIP712("ParallelRollup", "1")
    {
        if (owner_ == address(0) || batcher_ == address(0)) revert ZeroAddress();
        owner = owner_;
        batcher = batcher_;
        genesisOutputRoot = genesisOutputRoot_;
        emit OwnershipTransferred(address(0), owner_);
        emit BatcherChanged(address(0), batcher_);
        if (prover_ != address(0)) {
            isProver[prover_] = true;
            emit ProverSet(prover_, true);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // batches

    /// @notice Appends a batch. Only the batcher may call; the batch bytes are checked against dataHash and are not
    ///         stored (derivation reads them from this transaction's input).
    /// @param index must equal nextBatchIndex
    /// @param prevOutputRoot must equal the previous batch's output root (the genesis output root for index 0)
    /// @param outputRoot the L2 output root after lastL2Block
    /// @param lastL2Block the last L2 block in the batch; must be after the previous batch's (genesis is block 0)
    /// @param dataHash keccak256(data)
    /// @param data the batch bytes, nonempty
    function submitBatch(
        uint256 index,
        bytes32 prevOutputRoot,
        bytes32 outputRoot,
        uint64 lastL2Block,
        bytes32 dataHash,
        bytes calldata data
    ) external {
        if (msg.sender != batcher) revert NotBatcher(msg.sender);
        if (index != nextBatchIndex) revert WrongBatchIndex(nextBatchIndex, index);
        bytes32 expectedPrev = latestOutputRoot();
        if (prevOutputRoot != expectedPrev) revert WrongPreviousOutputRoot(expectedPrev, prevOutputRoot);
        uint64 previousL2Block = latestL2Block();
        if (lastL2Block <= previousL2Block) revert L2BlockNotAfterPrevious(previousL2Block, lastL2Block);
        if (data.length == 0) revert EmptyBatch();
        bytes32 actual = keccak256(data);
        if (actual != dataHash) revert DataHashMismatch(dataHash, actual);

        _batches[index] = BatchRecord({
            outputRoot: outputRoot,
            dataHash: dataHash,
            lastL2Block: lastL2Block,
            l1Block: uint64(block.number),
            attested: false,
            disputed: false
        });
        nextBatchIndex = index + 1;
        emit BatchSubmitted(index, outputRoot, prevOutputRoot, lastL2Block, dataHash);
    }

    /// @notice Records a prover's attestation to the next unattested batch. Anyone may relay the signature.
    /// @dev Checks, in order: UnknownBatch, AttestationOutOfOrder, BatchIsDisputed, OutputRootMismatch, then the
    ///      signature (ECDSA errors for a malformed one, NotProver for an unregistered signer). A replayed
    ///      attestation fails with AttestationOutOfOrder.
    /// @param index the batch index; must equal attestedCount
    /// @param outputRoot must equal the batch's stored output root
    /// @param signature the prover's 65-byte EIP-712 signature over Attestation(index, outputRoot, stored dataHash)
    function attest(uint256 index, bytes32 outputRoot, bytes calldata signature) external {
        BatchRecord storage batch = _existingBatch(index);
        if (index != attestedCount) revert AttestationOutOfOrder(attestedCount, index);
        if (batch.disputed) revert BatchIsDisputed(index);
        if (batch.outputRoot != outputRoot) revert OutputRootMismatch(batch.outputRoot, outputRoot);
        address prover = _recoverProver(_attestationDigest(index, outputRoot, batch.dataHash), signature);

        batch.attested = true;
        attestedCount = index + 1;
        emit BatchAttested(index, outputRoot, prover);
    }

    /// @notice Records a prover's dispute of an unattested batch: the prover computed a different output root.
    ///         A disputed batch can never be attested, which blocks attestation of every later batch too; there is
    ///         no slashing and no rollback.
    /// @dev Checks, in order: UnknownBatch, BatchAlreadyAttested, BatchIsDisputed, NothingToDispute, then the
    ///      signature.
    /// @param index the batch index
    /// @param computedOutputRoot the output root the prover computed; must differ from the stored one
    /// @param signature the prover's 65-byte EIP-712 signature over Dispute(index, stored root, computedOutputRoot)
    function dispute(uint256 index, bytes32 computedOutputRoot, bytes calldata signature) external {
        BatchRecord storage batch = _existingBatch(index);
        if (batch.attested) revert BatchAlreadyAttested(index);
        if (batch.disputed) revert BatchIsDisputed(index);
        bytes32 claimed = batch.outputRoot;
        if (computedOutputRoot == claimed) revert NothingToDispute();
        address prover = _recoverProver(_disputeDigest(index, claimed, computedOutputRoot), signature);

        batch.disputed = true;
        emit BatchDisputed(index, claimed, computedOutputRoot, prover);
    }

    // ------------------------------------------------------------------------------------------------------------
    // views

    /// @notice The record of a submitted batch; reverts UnknownBatch for an index not yet submitted.
    /// @param index the batch index
    /// @return the stored record
    function getBatch(uint256 index) external view returns (BatchRecord memory) {
        return _existingBatch(index);
    }

    /// @notice The output root of the last submitted batch, or the genesis output root before the first.
    /// @return the output root the next batch must build on
    function latestOutputRoot() public view returns (bytes32) {
        uint256 n = nextBatchIndex;
        return n == 0 ? genesisOutputRoot : _batches[n - 1].outputRoot;
    }

    /// @notice The last L2 block of the last submitted batch, or 0 (genesis) before the first.
    /// @return the L2 block the next batch must end after
    function latestL2Block() public view returns (uint64) {
        uint256 n = nextBatchIndex;
        return n == 0 ? 0 : _batches[n - 1].lastL2Block;
    }

    /// @notice The EIP-712 digest a prover signs to attest `outputRoot` for a submitted batch (with its stored
    ///         dataHash); reverts UnknownBatch.
    /// @param index the batch index
    /// @param outputRoot the output root to attest
    /// @return the typed-data hash
    function attestationDigest(uint256 index, bytes32 outputRoot) external view returns (bytes32) {
        return _attestationDigest(index, outputRoot, _existingBatch(index).dataHash);
    }

    /// @notice The EIP-712 digest a prover signs to dispute a submitted batch (against its stored output root);
    ///         reverts UnknownBatch.
    /// @param index the batch index
    /// @param computedOutputRoot the output root the prover computed
    /// @return the typed-data hash
    function disputeDigest(uint256 index, bytes32 computedOutputRoot) external view returns (bytes32) {
        return _disputeDigest(index, _existingBatch(index).outputRoot, computedOutputRoot);
    }

    // ------------------------------------------------------------------------------------------------------------
    // admin

    /// @notice Replaces the batcher. Owner only; the zero address is refused.
    /// @param newBatcher the new batcher
    function setBatcher(address newBatcher) external onlyOwner {
        if (newBatcher == address(0)) revert ZeroAddress();
        emit BatcherChanged(batcher, newBatcher);
        batcher = newBatcher;
    }

    /// @notice Registers (allowed = true) or revokes (false) a prover. Owner only; the zero address is refused.
    /// @param prover the account
    /// @param allowed whether its signatures count
    function setProver(address prover, bool allowed) external onlyOwner {
        if (prover == address(0)) revert ZeroAddress();
        isProver[prover] = allowed;
        emit ProverSet(prover, allowed);
    }

    /// @notice Hands the owner role to another account. Owner only; the zero address is refused.
    /// @param newOwner the new owner
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    // ------------------------------------------------------------------------------------------------------------
    // internals

    function _existingBatch(uint256 index) private view returns (BatchRecord storage) {
        if (index >= nextBatchIndex) revert UnknownBatch(index);
        return _batches[index];
    }

    function _attestationDigest(uint256 index, bytes32 outputRoot, bytes32 dataHash) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ATTESTATION_TYPEHASH, index, outputRoot, dataHash)));
    }

    function _disputeDigest(uint256 index, bytes32 claimed, bytes32 computed) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DISPUTE_TYPEHASH, index, claimed, computed)));
    }

    function _recoverProver(bytes32 digest, bytes calldata signature) private view returns (address signer) {
        signer = ECDSA.recoverCalldata(digest, signature);
        if (!isProver[signer]) revert NotProver(signer);
    }
}
