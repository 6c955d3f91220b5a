// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice A minimal stand-in for forge-std's `Test`, for the npm forge-std 1.1.2 this repo has.
/// @dev Why not `forge-std/Test.sol`: in that package it imports `ds-test/test.sol`, which is not on npm (the
///      package ships no lib/), so it does not compile here; and its DSTest assertions only log and flag a
///      failure instead of reverting. These assertions revert with a message, which forge reports as a failed
///      test. The cheatcodes come from forge-std's `Vm` interface (1.1.2: prank, expectRevert, expectEmit, sign,
///      addr, deal, roll, ...).
abstract contract TestBase {
    /// @notice forge's cheatcode address.
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(string.concat(what, ": expected true"));
    }

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", Strings.toString(a), " != ", Strings.toString(b)));
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        if (a != b) {
            revert(
                string.concat(
                    what, ": ", Strings.toHexString(uint256(a), 32), " != ", Strings.toHexString(uint256(b), 32)
                )
            );
        }
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", Strings.toHexString(a), " != ", Strings.toHexString(b)));
    }

    function assertEq(bool a, bool b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", a ? "true" : "false", " != ", b ? "true" : "false"));
    }
}
