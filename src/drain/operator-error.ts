import type { ErrorCode } from '../errors.js';

/** An operator's request Breakerbox refuses: an HTTP status and a stable code. */
export class OperatorError extends Error {
  constructor(message: string, readonly status: number, readonly code: ErrorCode) {
    super(message);
  }
}
