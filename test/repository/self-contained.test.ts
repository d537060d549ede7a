import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A clone of this repository is all the code, tests, scripts and benchmarks need: nothing names the
// shared folder that sits beside the clone on the developers' machines.
const root = fileURLToPath(new URL('../..', import.meta.url));
const shared = ['..', 'shared'].join('/');
const outside = new RegExp(`${shared.replace(/\./g, '\\.')}\\b|/work/${'shared'}\\b`);
const skipped = new Set(['node_modules', '.bin', '.run', 'corpus']);

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    if (skipped.has(name)) return [];
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('the repository is self-contained', () => {
  const files = ['src', 'test', 'scripts', 'bench', 'bin'].flatMap((folder) => filesUnder(path.join(root, folder)));
  files.push(...['package.json', 'vitest.config.ts', 'tsconfig.json'].map((file) => path.join(root, file)));

  it('reads files of all four folders', () => {
    expect(files.some((file) => file.includes(`${path.sep}src${path.sep}`))).toBe(true);
    expect(files.length).toBeGreaterThan(100);
  });

  it(`no source, test, script or benchmark names ${shared}`, () => {
    const offenders = files.filter((file) => outside.test(readFileSync(file, 'latin1'))).map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });
});
