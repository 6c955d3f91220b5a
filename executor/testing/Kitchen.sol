// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Exercises what the executor must get right: storage, logs, reverts, transient storage,
/// CREATE/CREATE2 and SELFDESTRUCT in the creating transaction.
contract Kitchen {
    mapping(uint256 => uint256) public slots;
    event Stored(uint256 indexed key, uint256 value);
    error Nope(uint256 code);

    function store(uint256 key, uint256 value) external {
        slots[key] = value;
        emit Stored(key, value);
    }

    function clear(uint256 key) external {
        delete slots[key];
    }

    function fail(uint256 code) external pure {
        revert Nope(code);
    }

    function burn(uint256 n) external pure returns (uint256 acc) {
        for (uint256 i = 0; i < n; i++) acc += i * i;
    }

    function transient(uint256 v) external returns (uint256 out) {
        assembly {
            tstore(0, v)
            out := tload(0)
        }
        slots[999] = out;
    }

    function deploy(bytes32 salt) external returns (address a, address b) {
        a = address(new Child{salt: salt}());
        b = address(new Child());
    }

    function ephemeral() external payable returns (address) {
        return address(new Ephemeral{value: msg.value}(payable(msg.sender)));
    }

    function balanceOfCoinbase() external view returns (uint256) {
        return block.coinbase.balance;
    }
}

contract Child {
    uint256 public x = 7;
}

contract Ephemeral {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}
