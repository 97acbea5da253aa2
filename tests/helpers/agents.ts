import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes an agent file; frontmatter values are written as given (YAML). */
export function writeAgent(dir: string, file: string, fields: Record<string, string>, body = 'Owns things.'): string {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  const front = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n');
  writeFileSync(path, `---\n${front}\n---\n\n${body}\n`);
  return path;
}
