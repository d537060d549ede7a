import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from '../helpers/corpus.js';

// Every real manifest the tests read is in the repository with where it came from: a file without its row in
// SOURCES.md (or a row without its file, or a copy whose size differs) fails here.
interface SourceRow {
  readonly file: string;
  readonly repository: string;
  readonly path: string;
  readonly commit: string;
  readonly licence: string;
  readonly bytes: number;
}

function sourceRows(): SourceRow[] {
  const table = readFileSync(path.join(corpusRoot, 'SOURCES.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  const [header, , ...rows] = table;
  expect(header).toEqual(['file', 'repository', 'path', 'commit', 'licence', 'bytes']);
  return rows.map(([file = '', repository = '', sourcePath = '', commit = '', licence = '', bytes = '']) => ({
    file,
    repository,
    path: sourcePath,
    commit,
    licence,
    bytes: Number(bytes),
  }));
}

const notCorpus = new Set(['SOURCES.md', 'LICENSE-Apache-2.0.txt']);

function corpusFilesOnDisk(folder = corpusRoot): string[] {
  return readdirSync(folder)
    .flatMap((name) => {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) return corpusFilesOnDisk(full);
      return notCorpus.has(path.relative(corpusRoot, full)) ? [] : [path.relative(corpusRoot, full)];
    })
    .sort();
}

describe('test/fixtures/corpus/SOURCES.md', () => {
  const rows = sourceRows();

  it('has one row per corpus file and one file per row', () => {
    expect(rows.map((row) => row.file).sort()).toEqual(corpusFilesOnDisk());
    expect(new Set(rows.map((row) => row.file)).size).toBe(rows.length);
  });

  it.each(rows.map((row) => [row.file, row]))('%s: repository, path, commit and licence, and its size', (file, row) => {
    expect(row.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(row.path).not.toBe('');
    expect(row.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(row.licence).toMatch(/^[A-Za-z0-9.+-]+$/);
    expect(statSync(path.join(corpusRoot, file)).size).toBe(row.bytes);
  });

  it('carries the text of each licence it names', () => {
    const licences = new Set(rows.map((row) => row.licence));
    for (const licence of licences) expect(readdirSync(corpusRoot)).toContain(`LICENSE-${licence}.txt`);
  });
});
