/**
 * Error `name` → JSON-RPC error code, the codes geth sends. Add a row when you add an error class;
 * a `BaseError` whose name is missing here still goes out as -32000 with its `shortMessage`.
 */
export const rpcErrorCodes: Readonly<Record<string, number>> = Object.freeze({
  // JSON-RPC 2.0 protocol errors.
  ParseError: -32700,
  InvalidRequestError: -32600,
  MethodNotFoundError: -32601,
  // geth answers both subscription errors with the method-not-found code, so clients probe support with it.
  NotificationsUnsupportedError: -32601,
  SubscriptionNotFoundError: -32601,
  InvalidParamsError: -32602,

  // geth/EIP-1474 server errors.
  ResourceNotFoundError: -32000, // geth: 'header not found', 'unknown block', 'filter not found' …
  RequestTimeoutError: -32002,
  ResponseTooLargeError: -32003,
  LimitExceededError: -32005,

  // EVM: a revert carries its return data (code 3, like geth's revertError).
  ExecutionRevertedError: 3,

  // Transaction pool rejections: geth sends them all as -32000 with its exact message.
  NonceTooLowError: -32000,
  NonceTooHighError: -32000,
  InsufficientFundsError: -32000,
  IntrinsicGasTooLowError: -32000,
  GasLimitExceededError: -32000,
  ReplacementUnderpricedError: -32000,
  InvalidSenderError: -32000,
  OversizedDataError: -32000,
  TxTypeNotSupportedError: -32000,
  UnprotectedTxError: -32000,
  FeeCapTooLowError: -32000,
  TipAboveFeeCapError: -32000,
  AlreadyKnownError: -32000,
  TxPoolOverflowError: -32000,
  AccountLimitExceededError: -32000,
  InvalidChainIdError: -32000,
  TxDecodeError: -32000,
  GasUintOverflowError: -32000,
  FeeCapVeryHighError: -32000,
  TipVeryHighError: -32000,
  UnderpricedError: -32000,
  MaxInitCodeSizeExceededError: -32000,
  SetCodeTxCreateError: -32000,
  EmptyAuthListError: -32000,
})
