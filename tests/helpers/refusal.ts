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
