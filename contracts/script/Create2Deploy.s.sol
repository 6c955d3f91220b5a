// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Script} from 'forge-std/Script.sol';
import {Emitter} from '../src/Emitter.sol';

/// @notice Deploys Emitter through the deterministic CREATE2 deployer
/// (0x4e59b44847b379578588920ca78fbf26c0b4956c): forge routes `new X{salt: s}()` inside a broadcast
/// through that proxy, so the address is keccak256(0xff ++ deployer ++ salt ++ keccak256(initcode))[12:].
contract Create2Deploy is Script {
    bytes32 public constant SALT = keccak256('parallel-rollup/e2e/create2');

    function run() external returns (Emitter emitter) {
        vm.startBroadcast();
        emitter = new Emitter{salt: SALT}();
        vm.stopBroadcast();
    }
}
