// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Like {
    function transferFrom(address, address, uint256) external returns (bool);
}

interface IUniswapV2PairLike {
    function swap(uint256, uint256, address, bytes calldata) external;
}

/// @title OneHopRouter
/// @notice One-transaction swaps on a Uniswap V2 pair, for benchmarks and tests: what the v2 router does for one
///         hop, without its path logic.
contract OneHopRouter {
    /// @notice Moves `amountIn` of `tokenIn` from the caller into `pair` and takes (`out0`, `out1`) out to the caller.
    function swap(address pair, address tokenIn, uint256 amountIn, uint256 out0, uint256 out1) external {
        IERC20Like(tokenIn).transferFrom(msg.sender, pair, amountIn);
        IUniswapV2PairLike(pair).swap(out0, out1, msg.sender, "");
    }
}
