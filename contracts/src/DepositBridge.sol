// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DepositBridge
/// @notice Locks ETH on L1 and emits a numbered DepositInitiated event; the sequencer watches these events and
///         credits the recipient on L2, in nonce order.
/// @dev Withdrawals are out of scope: deposited ETH stays locked in this contract for good.
contract DepositBridge {
    /// @notice The number of deposits made so far; also the nonce the next deposit gets.
    uint256 public depositCount;

    /// @notice ETH was locked for `to` on L2.
    /// @param nonce the deposit's sequence number (0, 1, 2, ...), with no gaps
    /// @param from the L1 sender
    /// @param to the L2 recipient
    /// @param amount the wei locked
    event DepositInitiated(uint256 indexed nonce, address indexed from, address indexed to, uint256 amount);

    /// @notice A deposit of zero wei.
    error EmptyDeposit();

    /// @notice A deposit to the zero address.
    error ZeroRecipient();

    /// @notice Locks msg.value for `to` on L2. The ETH cannot be withdrawn (withdrawals are out of scope).
    /// @param to the L2 recipient (nonzero)
    function deposit(address to) external payable {
        _deposit(to);
    }

    /// @notice A plain ETH transfer deposits to the sender's own address on L2.
    receive() external payable {
        _deposit(msg.sender);
    }

    function _deposit(address to) private {
        if (msg.value == 0) revert EmptyDeposit();
        if (to == address(0)) revert ZeroRecipient();
        uint256 nonce = depositCount;
        depositCount = nonce + 1;
        emit DepositInitiated(nonce, msg.sender, to, msg.value);
    }
}
