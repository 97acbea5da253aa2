/** busy: the server refused new heavy work because enough of it is running or waiting; retry shortly. */
export type ErrorCode = 'invalid_argument' | 'not_found' | 'conflict' | 'forbidden' | 'store' | 'busy';

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

/** A value shown in an error message (as JSON), cut after 60 characters: a refusal must not echo a huge argument. */
export function quoted(value: unknown, max = 60): string {
  if (typeof value !== 'string') {
    let json: string;
    try {
      json = JSON.stringify(value) ?? String(value);
    } catch {
      return `a${Array.isArray(value) ? 'n array' : 'n object'} too deeply nested to show`;
    }
    return json.length <= max ? json : `${json.slice(0, max)}... (${json.length} characters of JSON)`;
  }
  const chars = [...value];
  return chars.length <= max ? JSON.stringify(value) : `${JSON.stringify(chars.slice(0, max).join(''))}... (${chars.length} characters)`;
}
