import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package folder (the one holding package.json and schema.sql). The code runs from three
 * places: the TypeScript sources (tests), the compiled modules in dist/lib and the bundles in
 * dist/, so files are found from the package root rather than from this module's depth.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema.sql'))) return dir;
    if (dirname(dir) === dir) throw new Error(`coordinator-mcp: no package folder (with package.json and schema.sql) above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A file of the package, by its path from the package root. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
