import { lstatSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFiles, writeFileAtomically } from '../../src/fixes/file-writer.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'kubectl-sa-writer-'));

describe('writing fixed files', () => {
  it('is all or nothing: when one file cannot be written, those written before it are put back', async () => {
    const folder = dir();
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name) => path.join(folder, name));
    for (const file of files) writeFileSync(file, `before ${file}\n`);
    const replacements = files.map((file) => ({ file, before: `before ${file}\n`, after: `after ${file}\n` }));
    const failing = async (file: string, text: string) => {
      if (file === files[2]) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      await writeFileAtomically(file, text);
    };
    await expect(replaceFiles(replacements, failing)).rejects.toThrow(
      `cannot write ${files[2]}: EACCES: permission denied; the 2 file(s) written before it were put back: nothing was changed`,
    );
    for (const file of files) expect(readFileSync(file, 'utf8')).toBe(`before ${file}\n`);
  });

  it('replaces the file a symlink points at and keeps the link', async () => {
    const folder = dir();
    const target = path.join(folder, 'real.yaml');
    const link = path.join(folder, 'link.yaml');
    writeFileSync(target, 'kind: ServiceAccount\n');
    symlinkSync(target, link);
    await writeFileAtomically(link, 'kind: ServiceAccount\nautomountServiceAccountToken: false\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('kind: ServiceAccount\nautomountServiceAccountToken: false\n');
  });
});
