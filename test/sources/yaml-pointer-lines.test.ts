import { describe, expect, it } from 'vitest';
import { YamlPointerLines } from '../../src/sources/yaml-pointer-lines.js';

/** The line of `pointer` in the document whose root starts on `root`; undefined when no document starts there. */
function lineAt(index: YamlPointerLines, root: number, pointer: string): number | undefined {
  const document = index.documentAtLine(root);
  return document === undefined ? undefined : index.lineOf(document, pointer);
}

describe('YamlPointerLines', () => {
  const text = [
    '# a comment first', // 1
    'apiVersion: v1', // 2
    'kind: ServiceAccount', // 3
    'metadata:', // 4
    '  name: a', // 5
    '---', // 6
    '---', // 7
    'kind: Pod', // 8
    'spec:', // 9
    '  containers:', // 10
    '    - name: c', // 11
    '      image: x', // 12
    '--- # two documents in one stretch: the second follows an explicit end', // 13
    '- listed', // 14
    '...', // 15
    '--- {a: 1}', // 16
  ].join('\n');
  const lines = new YamlPointerLines(text);

  it('finds each document by the line its root starts on, and nothing on other lines', () => {
    for (const root of [2, 8, 14, 16]) expect(lines.documentAtLine(root)).toBeDefined();
    for (const line of [1, 3, 4, 5, 6, 7, 9, 13, 15, 17]) expect(lines.documentAtLine(line)).toBeUndefined();
  });

  it('names the line of a pointer inside the document asked about, falling back to the deepest known parent', () => {
    expect(lineAt(lines, 2, '/metadata/name')).toBe(5);
    expect(lineAt(lines, 8, '/spec/containers/0/image')).toBe(12);
    expect(lineAt(lines, 8, '/spec/containers/0/securityContext/runAsUser')).toBe(11);
    expect(lineAt(lines, 8, '/metadata/name')).toBe(8);
    expect(lineAt(lines, 14, '/0')).toBe(14);
    expect(lineAt(lines, 16, '/a')).toBe(16);
    // Asked out of order: each stretch is parsed again when needed.
    expect(lineAt(lines, 2, '/kind')).toBe(3);
  });

  it('answers for thousands of documents, in any order', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `kind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: v${i}`).join('\n---\n');
    const index = new YamlPointerLines(many);
    for (const i of [...Array.from({ length: 3000 }, (_, i) => i), 2999, 0, 1500]) {
      const root = 1 + i * 6;
      expect(lineAt(index, root, '/data/key')).toBe(root + 4);
      expect(index.documentAtLine(root + 1)).toBeUndefined();
    }
  });

  it('says nothing about a stretch that no longer parses', () => {
    const broken = new YamlPointerLines('kind: A\n---\nkind: [B\n---\nkind: C\n');
    expect(lineAt(broken, 1, '/kind')).toBe(1);
    expect(broken.documentAtLine(3)).toBeUndefined();
    expect(lineAt(broken, 5, '/kind')).toBe(5);
  });
});
