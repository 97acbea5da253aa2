import { expect } from 'vitest';
import { CoordinatorError } from '../../src/errors.js';

/** Runs fn, which must refuse with a CoordinatorError, and returns that error. */
export function refusal(fn: () => unknown): CoordinatorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CoordinatorError);
    return err as CoordinatorError;
  }
  throw new Error('expected a refusal');
}

/** Awaits fn, which must refuse (throw or reject) with a CoordinatorError, and returns that error. */
export async function refusalAsync(fn: () => unknown): Promise<CoordinatorError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CoordinatorError);
    return err as CoordinatorError;
  }
  throw new Error('expected a refusal');
}
