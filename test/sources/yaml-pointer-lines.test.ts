import { describe, expect, it } from 'vitest';
import { YamlPointerLines } from '../../src/sources/yaml-pointer-lines.js';

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
    '---', // 13
    '- listed', // 14
  ].join('\n');
  const lines = new YamlPointerLines(text);

  it('finds each document by the line its root starts on, and nothing on other lines', () => {
    expect(lines.documentAtLine(2)).toBe(0);
    expect(lines.documentAtLine(8)).toBe(2);
    expect(lines.documentAtLine(14)).toBe(3);
    for (const line of [1, 3, 4, 5, 9, 13]) expect(lines.documentAtLine(line)).toBeUndefined();
  });

  it('names the line of a pointer inside the document asked about, falling back to the deepest known parent', () => {
    expect(lines.lineOf(0, '/metadata/name')).toBe(5);
    expect(lines.lineOf(2, '/spec/containers/0/image')).toBe(12);
    expect(lines.lineOf(2, '/spec/containers/0/securityContext/runAsUser')).toBe(11);
    expect(lines.lineOf(2, '/metadata/name')).toBe(8);
    expect(lines.lineOf(3, '/0')).toBe(14);
    expect(lines.lineOf(9, '')).toBeUndefined();
  });

  it('answers the same for thousands of documents, each looked up by its root line', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `kind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: v${i}`).join('\n---\n');
    const index = new YamlPointerLines(many);
    for (let i = 0; i < 3000; i += 1) {
      const root = 1 + i * 6;
      expect(index.documentAtLine(root)).toBe(i);
      expect(index.lineOf(i, '/data/key')).toBe(root + 4);
    }
  });
});
