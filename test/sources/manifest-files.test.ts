import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
    expect(messages.find((message) => message.includes('big.yaml'))).toMatch(/too large to read \(2\.0 KiB, the limit is 1\.0 KiB\)/);
    expect(messages.find((message) => message.includes('broken.yaml'))).toMatch(/broken\.yaml:2:\d+: invalid YAML: /);
    expect(messages.find((message) => message.includes('image.yaml'))).toMatch(/binary file/);
  });
});

describe('readManifests: pipes and devices', () => {
  /** A named pipe that a writer fills once a reader opens it, as `-f <(helm template …)` gives. */
  function fifoWith(content: string | (() => AsyncIterable<string>)): string {
    const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'kubectl-sa-fifo-')), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = createWriteStream(fifo);
    writer.on('error', () => undefined); // the reader may stop early (a size limit): nothing to report
    if (typeof content === 'string') writer.end(content);
    else void pipeline(Readable.from(content()), writer).catch(() => undefined);
    return fifo;
  }

  it('reads a named pipe as a stream, with its own name and lines', async () => {
    const fifo = fifoWith(`${serviceAccount('a')}---\n${serviceAccount('b')}`);
    const documents = await readManifests([fifo]);
    expect(documents.map((document) => document.source)).toEqual([
      { file: fifo, line: 1, column: 1 },
      { file: fifo, line: 6, column: 1 },
    ]);
  });

  it('refuses an endless pipe at the size limit, without reading it to the end', async () => {
    const fifo = fifoWith(async function* () {
      for (;;) yield `${serviceAccount('x')}---\n`.repeat(100);
    });
    const messages = await errorsOf(readManifests([fifo], { maxFileBytes: 64 * 1024 }));
    expect(messages).toEqual([`${fifo}: too large to read (more than 64.0 KiB, the limit)`]);
  });

  it('reads a character device: /dev/null is empty, /dev/zero is refused as binary at once', async () => {
    expect(await readManifests(['/dev/null'])).toEqual([]);
    const started = performance.now();
    expect(await errorsOf(readManifests(['/dev/zero']))).toEqual([
      '/dev/zero: looks like a binary file (it contains NUL bytes), not YAML or JSON manifests',
    ]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('KUBECTL_SA_MAX_FILE_MB', () => {
  const root = scratch({ 'two-kib.yaml': `${serviceAccount('a')}#${'x'.repeat(2048)}\n` });
  const file = path.join(root, 'two-kib.yaml');

  it('lowers and raises the size limit, in MiB', async () => {
    expect(await errorsOf(readManifests([file], { env: { KUBECTL_SA_MAX_FILE_MB: '0.001' } }))).toEqual([
      `${file}: too large to read (2.1 KiB, the limit is 1.0 KiB)`,
    ]);
    expect(await readManifests([file], { env: { KUBECTL_SA_MAX_FILE_MB: '1' } })).toHaveLength(1);
    expect(await readManifests([file], { env: {} })).toHaveLength(1);
  });

  it.each(['abc', '0', '-5', '1e3'])('refuses %j as a size', async (value) => {
    await expect(readManifests([file], { env: { KUBECTL_SA_MAX_FILE_MB: value } })).rejects.toThrow(
      `KUBECTL_SA_MAX_FILE_MB=${value}: not a size in MiB`,
    );
  });
});
