import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputErrors } from '../../src/errors/kubectl-sa-error.js';
import { readManifests } from '../../src/sources/manifest-files.js';

function scratch(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kubectl-sa-files-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

async function errorsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((inner) => inner.message);
    throw error;
  }
  return [];
}

const serviceAccount = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n`;

describe('readManifests', () => {
  it('reads folders recursively in sorted order, only .yaml/.yml/.json files', async () => {
    const root = scratch({
      'b.yaml': serviceAccount('b'),
      'a/z.yml': serviceAccount('z'),
      'a/y.json': JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'y' } }),
      'README.md': '# not a manifest',
      'chart/values.txt': 'x: 1',
    });
    const documents = await readManifests([root]);
    expect(documents.map((document) => path.relative(root, document.source.file))).toEqual(['a/y.json', 'a/z.yml', 'b.yaml']);
  });

  it('refuses URLs with a hint instead of fetching them', async () => {
    expect(await errorsOf(readManifests(['https://example.com/install.yaml']))).toEqual([
      'https://example.com/install.yaml: manifests are not fetched from URLs; download the file and pass its path (or pipe it to -f -)',
    ]);
  });

  it('reads a file named explicitly whatever its extension', async () => {
    const root = scratch({ 'rendered.txt': serviceAccount('x') });
    expect(await readManifests([path.join(root, 'rendered.txt')])).toHaveLength(1);
  });

  it('reads stdin for -', async () => {
    const documents = await readManifests(['-'], { stdin: Readable.from([serviceAccount('from-stdin')]) });
    expect(documents[0]?.source).toMatchObject({ file: '<stdin>', line: 1 });
  });

  it('survives symlink loops and reads each file once', async () => {
    const root = scratch({ 'sub/a.yaml': serviceAccount('a') });
    symlinkSync(root, path.join(root, 'sub', 'loop'));
    const documents = await readManifests([root, path.join(root, 'sub', 'a.yaml')]);
    expect(documents).toHaveLength(1);
  });

  it('reports every broken input in one pass: missing files, invalid YAML, binary and huge files', async () => {
    const root = scratch({
      'good.yaml': serviceAccount('good'),
      'broken.yaml': 'kind: A\n  bad: indentation: here\n',
      'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]),
      'big.yaml': 'x'.repeat(2048),
    });
    const messages = await errorsOf(readManifests([path.join(root, 'missing.yaml'), root], { maxFileBytes: 1024 }));
    expect(messages).toHaveLength(4);
    expect(messages[0]).toBe(`${path.join(root, 'missing.yaml')}: no such file or directory`);
    expect(messages.find((message) => message.includes('big.yaml'))).toMatch(/too large to read \(0\.0 MiB, the limit is 0\.0 MiB\)/);
    expect(messages.find((message) => message.includes('broken.yaml'))).toMatch(/broken\.yaml:2:\d+: invalid YAML: /);
    expect(messages.find((message) => message.includes('image.yaml'))).toMatch(/binary file/);
  });
});
