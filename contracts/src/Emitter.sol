// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Exercises logs (indexed topics), storage, custom-error reverts and transient storage (EIP-1153).
contract Emitter {
    event ValueSet(address indexed setter, uint256 indexed key, uint256 value);
    event Note(bytes32 indexed tag, string text);
    event Tick(uint256 a, uint256 b);

    error TooLarge(uint256 value, uint256 max);
    error Unauthorized(address caller);

    uint256 public constant MAX = 1_000_000;

    mapping(uint256 => uint256) public values;
    uint256 public count;
    uint256 public lastTransient;

    function set(uint256 key, uint256 value) external {
        if (value > MAX) revert TooLarge(value, MAX);
        values[key] = value;
        count += 1;
        emit ValueSet(msg.sender, key, value);
    }

    function note(bytes32 tag, string calldata text) external {
        emit Note(tag, text);
    }

    function emitMany(uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            emit Tick(i, n);
        }
    }

    /// @dev Always reverts with a custom error.
    function fail(uint256 value) external pure {
        revert TooLarge(value, MAX);
    }

    /// @dev Always reverts with a custom error naming the caller.
    function onlyNobody() external view {
        revert Unauthorized(msg.sender);
    }

    /// @dev Writes and reads transient storage (TSTORE/TLOAD); returns a + b computed through tstore.
    function transientSum(uint256 a, uint256 b) public returns (uint256 sum) {
        assembly {
            tstore(0, a)
            tstore(1, b)
            sum := add(tload(0), tload(1))
        }
        lastTransient = sum;
    }

    /// @dev Transient storage does not survive the transaction: reads slot 0 (always 0 in a fresh tx).
    function transientSlot0() external view returns (uint256 v) {
        assembly {
            v := tload(0)
        }
    }

    receive() external payable {}
}
