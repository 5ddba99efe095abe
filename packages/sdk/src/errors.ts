/**
 * What went wrong, for errors the sdk raises itself (L1 transactions that fail raise MetisError
 * `L1_TX_FAILED`, a missing deployment `L1_CONTRACTS_MISSING`, an unreachable L1 `L1_RPC`, a batch whose
 * withdrawals do not match their root on L1 `BATCH_INVALID`):
 *
 * - `INVALID_ARGUMENT`: an argument is malformed (address, amount, chain id, ...); nothing was sent.
 * - `INSUFFICIENT_FUNDS`: the account does not hold what it tries to move; nothing was sent.
 * - `NOT_FOUND`: the transaction, withdrawal, token or chain asked about does not exist.
 * - `NOT_FINALIZABLE`: `finalizeWithdrawal` refused: the withdrawal is not (or no longer) finalizable.
 * - `TIMEOUT`: a wait ran out of time.
 * - `TX_FAILED`: an L2 transaction was refused or reverted.
 * - `UNREACHABLE`: a JSON-RPC endpoint did not answer.
 */
export type SdkErrorKind = 'INVALID_ARGUMENT' | 'INSUFFICIENT_FUNDS' | 'NOT_FOUND' | 'NOT_FINALIZABLE' | 'TIMEOUT' | 'TX_FAILED' | 'UNREACHABLE';

/** An error of the sdk, with a stable `kind` to branch on (the message is for people). */
export class SdkError extends Error {
  constructor(
    readonly kind: SdkErrorKind,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SdkError';
  }
}

/** True when `e` is an SdkError, of `kind` when given (also across copies of the package). */
export function isSdkError(e: unknown, kind?: SdkErrorKind): e is SdkError {
  if (!(e instanceof Error) || e.name !== 'SdkError') return false;
  return kind === undefined || (e as SdkError).kind === kind;
}

export const invalidArgument = (message: string): SdkError => new SdkError('INVALID_ARGUMENT', message);
