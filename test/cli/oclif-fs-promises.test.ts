import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fsPromisesByCallback, OCLIF_FS_PROMISES_BY_CALLBACK } from '../../src/cli/oclif-fs-promises.js';

describe("fsPromisesByCallback: node:fs/promises for oclif, through node:fs's callbacks (src/cli/oclif-fs-promises.ts)", () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-fs-promises-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = path.join(folder, 'theme.json');
  writeFileSync(file, '{"bin": "red"}\n');
  const missing = path.join(folder, 'missing.json');
  /** Our module, and how many times it has loaded node:fs/promises. */
  const counted = () => {
    let loads = 0;
    const module = fsPromisesByCallback(() => {
      loads++;
      return fsPromises;
    }) as typeof fsPromises;
    return { module, loads: () => loads };
  };

  it('answers readFile, stat and access as node:fs/promises does, without loading it', async () => {
    const { module, loads } = counted();
    expect(await module.readFile(file, 'utf8')).toBe(await fsPromises.readFile(file, 'utf8'));
    expect((await module.stat(file)).size).toBe((await fsPromises.stat(file)).size);
    expect((await module.stat(folder)).isDirectory()).toBe(true);
    expect(await module.access(file)).toBeUndefined();
    expect(loads()).toBe(0);
  });

  it('fails as node:fs/promises does: the same error code and message for a missing file', async () => {
    const module = fsPromisesByCallback(() => fsPromises) as typeof fsPromises;
    for (const call of [
      (fs: typeof fsPromises) => fs.readFile(missing, 'utf8'),
      (fs: typeof fsPromises) => fs.stat(missing),
      (fs: typeof fsPromises) => fs.access(missing),
    ]) {
      const [ours, node] = await Promise.all([
        call(module).catch((error: unknown) => error),
        call(fsPromises).catch((error: unknown) => error),
      ]);
      expect(ours).toBeInstanceOf(Error);
      expect((ours as NodeJS.ErrnoException).code).toBe('ENOENT');
      expect((ours as Error).message).toBe((node as Error).message);
    }
  });

  it('takes anything else from node:fs/promises itself, loaded at the first such read', async () => {
    const { module, loads } = counted();
    expect(await module.readdir(folder)).toEqual(['theme.json']);
    expect(module.readdir).toBe(fsPromises.readdir);
    expect(loads()).toBe(1);
    expect(Object.keys(OCLIF_FS_PROMISES_BY_CALLBACK).sort()).toEqual(['access', 'readFile', 'stat']);
  });
});
