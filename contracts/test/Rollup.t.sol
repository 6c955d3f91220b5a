// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Rollup} from "../src/Rollup.sol";
import {TestBase} from "./base/TestBase.sol";

/// Every rule of Rollup.sol. Note: arguments that need a call to the rollup are computed into locals before
/// `vm.prank` / `vm.expectRevert`, because those cheatcodes apply to the very next call.
contract RollupTest is TestBase {
    uint256 internal constant PROVER_KEY = 0xA11CE;
    uint256 internal constant OTHER_KEY = 0xB0B;

    address internal owner = address(0x0A11);
    address internal batcher = address(0xBA7C4);
    address internal prover;
    address internal stranger = address(0x5757);
    bytes32 internal genesis = keccak256("genesis");

    Rollup internal rollup;

    function setUp() public {
        prover = vm.addr(PROVER_KEY);
        rollup = new Rollup(owner, batcher, prover, genesis);
    }

    // --------------------------------------------------------------------------------------------------------
    // fixtures

    function _data(uint256 i) internal pure returns (bytes memory) {
        return abi.encodePacked("batch bytes #", i);
    }

    function _root(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("output root #", i));
    }

    function _prevRoot(uint256 i) internal view returns (bytes32) {
        return i == 0 ? genesis : _root(i - 1);
    }

    /// Batch i ends at L2 block 10 * (i + 1).
    function _l2Block(uint256 i) internal pure returns (uint64) {
        return uint64(10 * (i + 1));
    }

    function _submit(uint256 i) internal {
        bytes memory data = _data(i);
        vm.prank(batcher);
        rollup.submitBatch(i, _prevRoot(i), _root(i), _l2Block(i), keccak256(data), data);
    }

    function _submitMany(uint256 n) internal {
        for (uint256 i = 0; i < n; i++) {
            _submit(i);
        }
    }

    function _sign(uint256 key, bytes32 digest) internal returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _attestation(uint256 key, uint256 i, bytes32 root) internal returns (bytes memory) {
        return _sign(key, rollup.attestationDigest(i, root));
    }

    function _disputeSig(uint256 key, uint256 i, bytes32 computed) internal returns (bytes memory) {
        return _sign(key, rollup.disputeDigest(i, computed));
    }

    /// The EIP-712 digest written out from the spec, independent of OpenZeppelin's EIP712.
    function _typedDataDigest(address verifyingContract, bytes32 structHash) internal view returns (bytes32) {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes("ParallelRollup")),
                keccak256(bytes("1")),
                block.chainid,
                verifyingContract
            )
        );
        return keccak256(abi.encodePacked(hex"1901", domainSeparator, structHash));
    }

    // --------------------------------------------------------------------------------------------------------
    // constructor and views

    function test_constructor_setsRolesAndGenesis() public view {
        assertEq(rollup.owner(), owner, "owner");
        assertEq(rollup.batcher(), batcher, "batcher");
        assertTrue(rollup.isProver(prover), "prover registered");
        assertTrue(!rollup.isProver(stranger), "stranger not a prover");
        assertEq(rollup.genesisOutputRoot(), genesis, "genesis");
        assertEq(rollup.nextBatchIndex(), 0, "nextBatchIndex");
        assertEq(rollup.attestedCount(), 0, "attestedCount");
        assertEq(rollup.latestOutputRoot(), genesis, "latestOutputRoot before any batch");
        assertEq(uint256(rollup.latestL2Block()), 0, "latestL2Block before any batch");
    }

    function test_constructor_emitsRoleEvents() public {
        vm.expectEmit(true, true, true, true);
        emit Rollup.OwnershipTransferred(address(0), owner);
        vm.expectEmit(true, true, true, true);
        emit Rollup.BatcherChanged(address(0), batcher);
        vm.expectEmit(true, true, true, true);
        emit Rollup.ProverSet(prover, true);
        new Rollup(owner, batcher, prover, genesis);
    }

    function test_constructor_zeroProverRegistersNone() public {
        Rollup r = new Rollup(owner, batcher, address(0), genesis);
        assertTrue(!r.isProver(address(0)), "zero address is not a prover");
    }

    function test_RevertWhen_constructor_zeroOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.ZeroAddress.selector));
        new Rollup(address(0), batcher, prover, genesis);
    }

    function test_RevertWhen_constructor_zeroBatcher() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.ZeroAddress.selector));
        new Rollup(owner, address(0), prover, genesis);
    }

    function test_eip712Domain() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = rollup.eip712Domain();
        assertEq(uint256(uint8(fields)), 0x0f, "fields: name, version, chainId, verifyingContract");
        assertEq(keccak256(bytes(name)), keccak256("ParallelRollup"), "name");
        assertEq(keccak256(bytes(version)), keccak256("1"), "version");
        assertEq(chainId, block.chainid, "chainId");
        assertEq(verifyingContract, address(rollup), "verifyingContract");
        assertEq(salt, bytes32(0), "salt");
        assertEq(extensions.length, 0, "extensions");
    }

    function test_RevertWhen_getBatch_unknown() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 0));
        rollup.getBatch(0);
        _submit(0);
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 1));
        rollup.getBatch(1);
    }

    function test_RevertWhen_digest_unknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 0));
        rollup.attestationDigest(0, _root(0));
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 0));
        rollup.disputeDigest(0, _root(0));
    }

    // --------------------------------------------------------------------------------------------------------
    // submitBatch

    function test_submit_chainOfThree() public {
        for (uint256 i = 0; i < 3; i++) {
            bytes memory data = _data(i);
            bytes32 prev = _prevRoot(i);
            vm.roll(100 + i);
            vm.expectEmit(true, true, true, true, address(rollup));
            emit Rollup.BatchSubmitted(i, _root(i), prev, _l2Block(i), keccak256(data));
            vm.prank(batcher);
            rollup.submitBatch(i, prev, _root(i), _l2Block(i), keccak256(data), data);

            assertEq(rollup.nextBatchIndex(), i + 1, "nextBatchIndex");
            assertEq(rollup.latestOutputRoot(), _root(i), "latestOutputRoot");
            assertEq(uint256(rollup.latestL2Block()), uint256(_l2Block(i)), "latestL2Block");
        }
        for (uint256 i = 0; i < 3; i++) {
            Rollup.BatchRecord memory b = rollup.getBatch(i);
            assertEq(b.outputRoot, _root(i), "outputRoot");
            assertEq(b.dataHash, keccak256(_data(i)), "dataHash");
            assertEq(uint256(b.lastL2Block), uint256(_l2Block(i)), "lastL2Block");
            assertEq(uint256(b.l1Block), 100 + i, "l1Block");
            assertTrue(!b.attested && !b.disputed, "fresh batch is neither attested nor disputed");
        }
        assertEq(rollup.attestedCount(), 0, "nothing attested yet");
    }

    function test_submit_firstBatchMayEndAtL2BlockOne() public {
        bytes memory data = hex"01";
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), 1, keccak256(data), data);
        assertEq(uint256(rollup.latestL2Block()), 1, "latestL2Block");
    }

    function test_RevertWhen_submit_notBatcher() public {
        bytes memory data = _data(0);
        address[3] memory callers = [owner, prover, stranger];
        for (uint256 k = 0; k < callers.length; k++) {
            vm.expectRevert(abi.encodeWithSelector(Rollup.NotBatcher.selector, callers[k]));
            vm.prank(callers[k]);
            rollup.submitBatch(0, genesis, _root(0), 10, keccak256(data), data);
        }
        assertEq(rollup.nextBatchIndex(), 0, "nothing stored");
    }

    function test_RevertWhen_submit_indexTooHigh() public {
        bytes memory data = _data(1);
        vm.expectRevert(abi.encodeWithSelector(Rollup.WrongBatchIndex.selector, 0, 1));
        vm.prank(batcher);
        rollup.submitBatch(1, genesis, _root(1), 10, keccak256(data), data);
    }

    function test_RevertWhen_submit_indexTooLow() public {
        _submitMany(2);
        bytes memory data = _data(2);
        vm.expectRevert(abi.encodeWithSelector(Rollup.WrongBatchIndex.selector, 2, 1));
        vm.prank(batcher);
        rollup.submitBatch(1, _root(1), _root(2), 30, keccak256(data), data);
    }

    function test_RevertWhen_submit_replaysExistingIndex() public {
        _submit(0);
        bytes memory data = _data(0);
        vm.expectRevert(abi.encodeWithSelector(Rollup.WrongBatchIndex.selector, 1, 0));
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), _l2Block(0), keccak256(data), data);
    }

    function test_RevertWhen_submit_wrongPreviousRootAtGenesis() public {
        bytes memory data = _data(0);
        bytes32 wrong = keccak256("not genesis");
        vm.expectRevert(abi.encodeWithSelector(Rollup.WrongPreviousOutputRoot.selector, genesis, wrong));
        vm.prank(batcher);
        rollup.submitBatch(0, wrong, _root(0), 10, keccak256(data), data);
    }

    function test_RevertWhen_submit_wrongPreviousRootAfterFirst() public {
        _submit(0);
        bytes memory data = _data(1);
        vm.expectRevert(abi.encodeWithSelector(Rollup.WrongPreviousOutputRoot.selector, _root(0), genesis));
        vm.prank(batcher);
        rollup.submitBatch(1, genesis, _root(1), 20, keccak256(data), data);
    }

    function test_RevertWhen_submit_firstBatchEndsAtGenesisBlock() public {
        bytes memory data = _data(0);
        vm.expectRevert(abi.encodeWithSelector(Rollup.L2BlockNotAfterPrevious.selector, uint64(0), uint64(0)));
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), 0, keccak256(data), data);
    }

    function test_RevertWhen_submit_l2BlockNotIncreasing() public {
        _submit(0); // ends at 10
        bytes memory data = _data(1);
        uint64[2] memory bad = [uint64(10), uint64(9)];
        for (uint256 k = 0; k < bad.length; k++) {
            vm.expectRevert(abi.encodeWithSelector(Rollup.L2BlockNotAfterPrevious.selector, uint64(10), bad[k]));
            vm.prank(batcher);
            rollup.submitBatch(1, _root(0), _root(1), bad[k], keccak256(data), data);
        }
    }

    function test_RevertWhen_submit_emptyData() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.EmptyBatch.selector));
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), 10, keccak256(""), "");
    }

    function test_RevertWhen_submit_dataHashMismatch() public {
        bytes memory data = _data(0);
        bytes32 given = keccak256(_data(1));
        vm.expectRevert(abi.encodeWithSelector(Rollup.DataHashMismatch.selector, given, keccak256(data)));
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), 10, given, data);
    }

    // --------------------------------------------------------------------------------------------------------
    // attest

    function test_attest_digestMatchesEip712Formula() public {
        _submitMany(2);
        for (uint256 i = 0; i < 2; i++) {
            bytes32 structHash = keccak256(
                abi.encode(
                    keccak256("Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)"),
                    i,
                    _root(i),
                    keccak256(_data(i))
                )
            );
            assertEq(
                rollup.attestationDigest(i, _root(i)), _typedDataDigest(address(rollup), structHash), "attestation"
            );
        }
        assertEq(
            rollup.ATTESTATION_TYPEHASH(),
            keccak256("Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)"),
            "typehash"
        );
    }

    function test_attest_happyPathRelayedByAnyone() public {
        _submit(0);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)"),
                uint256(0),
                _root(0),
                keccak256(_data(0))
            )
        );
        // signed over the independently computed digest, so a wrong contract digest would fail here
        bytes memory sig = _sign(PROVER_KEY, _typedDataDigest(address(rollup), structHash));

        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.BatchAttested(0, _root(0), prover);
        vm.prank(stranger);
        rollup.attest(0, _root(0), sig);

        assertTrue(rollup.getBatch(0).attested, "attested");
        assertEq(rollup.attestedCount(), 1, "attestedCount");
    }

    function test_attest_chainInOrder() public {
        _submitMany(3);
        for (uint256 i = 0; i < 3; i++) {
            bytes memory sig = _attestation(PROVER_KEY, i, _root(i));
            vm.expectEmit(true, true, true, true, address(rollup));
            emit Rollup.BatchAttested(i, _root(i), prover);
            rollup.attest(i, _root(i), sig);
            assertEq(rollup.attestedCount(), i + 1, "attestedCount");
        }
    }

    function test_RevertWhen_attest_signerNotProver() public {
        _submit(0);
        bytes memory sig = _attestation(OTHER_KEY, 0, _root(0));
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, vm.addr(OTHER_KEY)));
        rollup.attest(0, _root(0), sig);
    }

    function test_RevertWhen_attest_signatureForAnotherBatch() public {
        _submitMany(2);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PROVER_KEY, rollup.attestationDigest(1, _root(1)));
        // batch 0's digest recovers some other address from a signature made for batch 1
        address recovered = ecrecover(rollup.attestationDigest(0, _root(0)), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, recovered));
        rollup.attest(0, _root(0), abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_attest_signatureForAnotherDeployment() public {
        Rollup twin = new Rollup(owner, batcher, prover, genesis);
        _submit(0);
        bytes memory data = _data(0);
        vm.prank(batcher);
        twin.submitBatch(0, genesis, _root(0), _l2Block(0), keccak256(data), data);

        (uint8 v, bytes32 r, bytes32 s) = vm.sign(PROVER_KEY, twin.attestationDigest(0, _root(0)));
        address recovered = ecrecover(rollup.attestationDigest(0, _root(0)), v, r, s);
        assertTrue(recovered != prover, "the domain separates deployments");
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, recovered));
        rollup.attest(0, _root(0), abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_attest_malformedSignature() public {
        _submit(0);
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, uint256(64)));
        rollup.attest(0, _root(0), new bytes(64));
    }

    function test_RevertWhen_attest_outOfOrder() public {
        _submitMany(2);
        bytes memory sig = _attestation(PROVER_KEY, 1, _root(1));
        vm.expectRevert(abi.encodeWithSelector(Rollup.AttestationOutOfOrder.selector, 0, 1));
        rollup.attest(1, _root(1), sig);
    }

    function test_RevertWhen_attest_wrongOutputRoot() public {
        _submit(0);
        bytes32 wrong = keccak256("wrong root");
        bytes memory sig = _attestation(PROVER_KEY, 0, wrong);
        vm.expectRevert(abi.encodeWithSelector(Rollup.OutputRootMismatch.selector, _root(0), wrong));
        rollup.attest(0, wrong, sig);
    }

    function test_RevertWhen_attest_unknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 0));
        rollup.attest(0, _root(0), new bytes(65));

        _submitMany(3);
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 3));
        rollup.attest(3, _root(3), new bytes(65));
    }

    function test_RevertWhen_attest_replayed() public {
        _submitMany(2);
        bytes memory sig = _attestation(PROVER_KEY, 0, _root(0));
        rollup.attest(0, _root(0), sig);
        vm.expectRevert(abi.encodeWithSelector(Rollup.AttestationOutOfOrder.selector, 1, 0));
        rollup.attest(0, _root(0), sig);
        assertEq(rollup.attestedCount(), 1, "attestedCount unchanged");
    }

    function test_RevertWhen_attest_revokedProver() public {
        _submit(0);
        bytes memory sig = _attestation(PROVER_KEY, 0, _root(0));
        vm.prank(owner);
        rollup.setProver(prover, false);
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, prover));
        rollup.attest(0, _root(0), sig);
    }

    // --------------------------------------------------------------------------------------------------------
    // dispute

    function test_dispute_digestMatchesEip712Formula() public {
        _submit(0);
        bytes32 computed = keccak256("computed");
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Dispute(uint256 batchIndex,bytes32 claimedOutputRoot,bytes32 computedOutputRoot)"),
                uint256(0),
                _root(0),
                computed
            )
        );
        assertEq(rollup.disputeDigest(0, computed), _typedDataDigest(address(rollup), structHash), "dispute");
        assertEq(
            rollup.DISPUTE_TYPEHASH(),
            keccak256("Dispute(uint256 batchIndex,bytes32 claimedOutputRoot,bytes32 computedOutputRoot)"),
            "typehash"
        );
    }

    function test_dispute_blocksThatBatchAndAllLater() public {
        _submitMany(3);
        rollup.attest(0, _root(0), _attestation(PROVER_KEY, 0, _root(0)));

        bytes32 computed = keccak256("what the prover computed");
        bytes memory sig = _disputeSig(PROVER_KEY, 1, computed);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.BatchDisputed(1, _root(1), computed, prover);
        vm.prank(stranger);
        rollup.dispute(1, computed, sig);
        assertTrue(rollup.getBatch(1).disputed, "disputed");

        bytes memory att1 = _attestation(PROVER_KEY, 1, _root(1));
        vm.expectRevert(abi.encodeWithSelector(Rollup.BatchIsDisputed.selector, 1));
        rollup.attest(1, _root(1), att1);

        bytes memory att2 = _attestation(PROVER_KEY, 2, _root(2));
        vm.expectRevert(abi.encodeWithSelector(Rollup.AttestationOutOfOrder.selector, 1, 2));
        rollup.attest(2, _root(2), att2);
        assertEq(rollup.attestedCount(), 1, "attestedCount stuck at the disputed batch");
    }

    function test_dispute_laterBatchBeforeEarlierIsAttested() public {
        _submitMany(3);
        bytes32 computed = keccak256("computed");
        rollup.dispute(2, computed, _disputeSig(PROVER_KEY, 2, computed));
        assertTrue(rollup.getBatch(2).disputed, "batch 2 disputed");
        rollup.attest(0, _root(0), _attestation(PROVER_KEY, 0, _root(0)));
        rollup.attest(1, _root(1), _attestation(PROVER_KEY, 1, _root(1)));
        bytes memory att2 = _attestation(PROVER_KEY, 2, _root(2));
        vm.expectRevert(abi.encodeWithSelector(Rollup.BatchIsDisputed.selector, 2));
        rollup.attest(2, _root(2), att2);
    }

    function test_RevertWhen_dispute_signerNotProver() public {
        _submit(0);
        bytes32 computed = keccak256("computed");
        bytes memory sig = _disputeSig(OTHER_KEY, 0, computed);
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, vm.addr(OTHER_KEY)));
        rollup.dispute(0, computed, sig);
    }

    function test_RevertWhen_dispute_unknownBatch() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.UnknownBatch.selector, 0));
        rollup.dispute(0, keccak256("computed"), new bytes(65));
    }

    function test_RevertWhen_dispute_alreadyAttested() public {
        _submit(0);
        rollup.attest(0, _root(0), _attestation(PROVER_KEY, 0, _root(0)));
        bytes32 computed = keccak256("computed");
        bytes memory sig = _disputeSig(PROVER_KEY, 0, computed);
        vm.expectRevert(abi.encodeWithSelector(Rollup.BatchAlreadyAttested.selector, 0));
        rollup.dispute(0, computed, sig);
    }

    function test_RevertWhen_dispute_sameRoot() public {
        _submit(0);
        bytes memory sig = _disputeSig(PROVER_KEY, 0, _root(0));
        vm.expectRevert(abi.encodeWithSelector(Rollup.NothingToDispute.selector));
        rollup.dispute(0, _root(0), sig);
    }

    function test_RevertWhen_dispute_twice() public {
        _submit(0);
        bytes32 computed = keccak256("computed");
        bytes memory sig = _disputeSig(PROVER_KEY, 0, computed);
        rollup.dispute(0, computed, sig);
        vm.expectRevert(abi.encodeWithSelector(Rollup.BatchIsDisputed.selector, 0));
        rollup.dispute(0, computed, sig);
    }

    // --------------------------------------------------------------------------------------------------------
    // admin

    function test_setBatcher() public {
        address next = address(0xBA7C5);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.BatcherChanged(batcher, next);
        vm.prank(owner);
        rollup.setBatcher(next);
        assertEq(rollup.batcher(), next, "batcher");

        bytes memory data = _data(0);
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotBatcher.selector, batcher));
        vm.prank(batcher);
        rollup.submitBatch(0, genesis, _root(0), 10, keccak256(data), data);

        vm.prank(next);
        rollup.submitBatch(0, genesis, _root(0), 10, keccak256(data), data);
        assertEq(rollup.nextBatchIndex(), 1, "new batcher submits");
    }

    function test_RevertWhen_setBatcher_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotOwner.selector, batcher));
        vm.prank(batcher);
        rollup.setBatcher(stranger);
    }

    function test_RevertWhen_setBatcher_zeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.ZeroAddress.selector));
        vm.prank(owner);
        rollup.setBatcher(address(0));
    }

    function test_setProver_registerAndRevoke() public {
        address other = vm.addr(OTHER_KEY);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.ProverSet(other, true);
        vm.prank(owner);
        rollup.setProver(other, true);
        assertTrue(rollup.isProver(other), "registered");

        _submitMany(2);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.BatchAttested(0, _root(0), other);
        rollup.attest(0, _root(0), _attestation(OTHER_KEY, 0, _root(0)));

        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.ProverSet(other, false);
        vm.prank(owner);
        rollup.setProver(other, false);
        assertTrue(!rollup.isProver(other), "revoked");

        bytes memory sig = _attestation(OTHER_KEY, 1, _root(1));
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotProver.selector, other));
        rollup.attest(1, _root(1), sig);
    }

    function test_RevertWhen_setProver_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotOwner.selector, prover));
        vm.prank(prover);
        rollup.setProver(prover, false);
    }

    function test_RevertWhen_setProver_zeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.ZeroAddress.selector));
        vm.prank(owner);
        rollup.setProver(address(0), true);
    }

    function test_transferOwnership() public {
        address next = address(0x0A12);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit Rollup.OwnershipTransferred(owner, next);
        vm.prank(owner);
        rollup.transferOwnership(next);
        assertEq(rollup.owner(), next, "owner");

        vm.expectRevert(abi.encodeWithSelector(Rollup.NotOwner.selector, owner));
        vm.prank(owner);
        rollup.setBatcher(stranger);

        vm.prank(next);
        rollup.setBatcher(stranger);
        assertEq(rollup.batcher(), stranger, "new owner acts");
    }

    function test_RevertWhen_transferOwnership_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.NotOwner.selector, stranger));
        vm.prank(stranger);
        rollup.transferOwnership(stranger);
    }

    function test_RevertWhen_transferOwnership_zeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(Rollup.ZeroAddress.selector));
        vm.prank(owner);
        rollup.transferOwnership(address(0));
    }
}
