/**
 * The one error type of the product. Every failure that crosses a module boundary carries a
 * stable `code` that callers branch on (never the message), the HTTP status it maps to when it
 * reaches a client, and the error it wraps as `cause`. The table of codes is in docs/errors.md.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(
    code: string,
    message: string,
    options: { status?: number; cause?: unknown; details?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
  }
}

/** True when `error` is an {@link AppError} with the given code. */
export function hasCode(error: unknown, code: string): error is AppError {
  return error instanceof AppError && error.code === code;
}
