import type { ErrorDetail } from './types';

/** An error answer from the API, or `network_error` when no answer came at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  details?: unknown;
}

function readDetails(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];

  return value
    .filter((item): item is ErrorDetail => typeof item?.path === 'string')
    .map((item) => ({ path: item.path, message: String(item.message ?? '') }));
}

/** Builds an ApiError from a failed response, tolerating bodies that are not JSON. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // A proxy or a crash may answer with HTML or nothing; the status still says enough.
  }
  const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = typeof body.message === 'string' ? body.message : response.statusText;

  return new ApiError(response.status, code, message || code, readDetails(body.details));
}

/** True for errors from an aborted fetch, which callers ignore on purpose. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
