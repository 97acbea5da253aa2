export type ErrorCode = 'invalid_argument' | 'not_found' | 'conflict' | 'forbidden' | 'store';

export interface ErrorDetails {
  field?: string;
  rule?: string;
  current_length?: number;
  required_length?: number;
  [key: string]: unknown;
}

/** A refusal the caller can act on: which argument, what rule, what to do instead. */
export class CoordinatorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'CoordinatorError';
  }

  toJSON(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

export const invalid = (field: string, rule: string, message: string, extra: ErrorDetails = {}) =>
  new CoordinatorError('invalid_argument', message, { field, rule, ...extra });
