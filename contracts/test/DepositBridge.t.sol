// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DepositBridge} from "../src/DepositBridge.sol";
import {TestBase} from "./base/TestBase.sol";

contract DepositBridgeTest is TestBase {
    DepositBridge internal bridge;
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);

    function setUp() public {
        bridge = new DepositBridge();
        vm.deal(alice, 100 ether);
        vm.deal(bob, 100 ether);
    }

    function test_deposit_emitsAndLocksEth() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(0, alice, bob, 1 ether);
        vm.prank(alice);
        bridge.deposit{value: 1 ether}(bob);

        assertEq(bridge.depositCount(), 1, "depositCount");
        assertEq(address(bridge).balance, 1 ether, "bridge balance");
        assertEq(alice.balance, 99 ether, "sender balance");
    }

    function test_receive_depositsToSender() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(0, alice, alice, 2 ether);
        vm.prank(alice);
        (bool ok,) = address(bridge).call{value: 2 ether}("");
        assertTrue(ok, "plain transfer accepted");
        assertEq(bridge.depositCount(), 1, "depositCount");
        assertEq(address(bridge).balance, 2 ether, "bridge balance");
    }

    function test_nonces_countUpAcrossDepositAndReceive() public {
        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(0, alice, bob, 1);
        vm.prank(alice);
        bridge.deposit{value: 1}(bob);

        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(1, bob, bob, 2);
        vm.prank(bob);
        (bool ok,) = address(bridge).call{value: 2}("");
        assertTrue(ok, "plain transfer accepted");

        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(2, alice, alice, 3);
        vm.prank(alice);
        bridge.deposit{value: 3}(alice);

        assertEq(bridge.depositCount(), 3, "depositCount");
        assertEq(address(bridge).balance, 6, "bridge balance");
    }

    function test_RevertWhen_deposit_zeroValue() public {
        vm.expectRevert(abi.encodeWithSelector(DepositBridge.EmptyDeposit.selector));
        vm.prank(alice);
        bridge.deposit(bob);
        assertEq(bridge.depositCount(), 0, "no deposit counted");
    }

    function test_RevertWhen_deposit_zeroRecipient() public {
        vm.expectRevert(abi.encodeWithSelector(DepositBridge.ZeroRecipient.selector));
        vm.prank(alice);
        bridge.deposit{value: 1 ether}(address(0));
        assertEq(bridge.depositCount(), 0, "no deposit counted");
        assertEq(address(bridge).balance, 0, "no ETH kept");
    }

    function test_RevertWhen_receive_zeroValue() public {
        // a low-level call, checked by hand: the revert data must be EmptyDeposit()
        vm.prank(alice);
        (bool ok, bytes memory ret) = address(bridge).call("");
        assertTrue(!ok, "zero-value transfer refused");
        assertEq(keccak256(ret), keccak256(abi.encodeWithSelector(DepositBridge.EmptyDeposit.selector)), "reason");
        assertEq(bridge.depositCount(), 0, "no deposit counted");
    }

    function test_RevertWhen_unknownCalldata() public {
        // no fallback: ETH sent with calldata that names no function is refused, not silently deposited
        vm.prank(alice);
        (bool ok,) = address(bridge).call{value: 1 ether}(hex"deadbeef");
        assertTrue(!ok, "unknown selector refused");
        assertEq(address(bridge).balance, 0, "no ETH kept");
    }

    function testFuzz_deposit(address from, address to, uint96 amount) public {
        vm.assume(to != address(0) && amount > 0 && from != address(bridge) && from != address(vm));
        vm.deal(from, amount);
        uint256 before = bridge.depositCount();
        vm.expectEmit(true, true, true, true, address(bridge));
        emit DepositBridge.DepositInitiated(before, from, to, amount);
        vm.prank(from);
        bridge.deposit{value: amount}(to);
        assertEq(bridge.depositCount(), before + 1, "depositCount");
        assertEq(address(bridge).balance, amount, "bridge balance");
    }
}
