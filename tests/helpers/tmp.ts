import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'coordinator-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

export const DESC = 'The users endpoint now returns paginated results instead of a bare array of rows';
export const ACTION =
  'Update the user list page to read data.items and data.next_cursor, add a load-more button, and adjust users.spec.ts to the new response shape';

export function flagInput(overrides: Record<string, unknown> = {}) {
  return {
    flag_type: 'change',
    source_agent: '@backend.api',
    target_agent: '@frontend.react',
    change_description: DESC,
    action_required: ACTION,
    ...overrides,
  };
}
