// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from '@openzeppelin/contracts/token/ERC20/ERC20.sol';

/// @notice Plain OpenZeppelin ERC-20; the deployer receives the whole initial supply.
contract TestToken is ERC20 {
    constructor(uint256 initialSupply) ERC20('Test Token', 'TST') {
        _mint(msg.sender, initialSupply);
    }
}
