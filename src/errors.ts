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

/** One wrong argument of a call, as a refusal that lists several gives it. */
export interface Problem {
  field: string;
  rule: string;
  message: string;
  [key: string]: unknown;
}

export function problemOf(err: CoordinatorError): Problem {
  const { field, rule, ...extra } = err.details;
  return { field: field ?? 'arguments', rule: rule ?? err.code, message: err.message, ...extra };
}

/**
 * Every problem of a call in one refusal, so that a caller fixes them all in one retry: one
 * problem is refused as it is; several give a message naming each argument and rule, field and
 * rule of the first, and the list as problems.
 */
export function refuseAll(problems: readonly CoordinatorError[], prefix = ''): CoordinatorError {
  if (problems.length === 1 && !prefix) return problems[0]!;
  const listed = problems.map(problemOf);
  const first = listed[0]!;
  if (problems.length === 1) return new CoordinatorError('invalid_argument', `${prefix}${first.message}`, problems[0]!.details);
  // Each names its argument and rule up front; a schema message's trailing " at <argument>" would say it twice.
  const text = listed.map((p, i) => `(${i + 1}) ${p.field} (${p.rule}): ${p.message.endsWith(` at ${p.field}`) ? p.message.slice(0, -` at ${p.field}`.length) : p.message}`).join('; ');
  return new CoordinatorError('invalid_argument', `${prefix}${problems.length} problems, fix them all before retrying: ${text}`, {
    field: first.field,
    rule: first.rule,
    problems: listed,
  });
}
