import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/kubectl-sa-error.js';
import { documentStretches, parseManifests } from '../../src/sources/parse-manifests.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';

describe('parseManifests', () => {
  it('reads multi-document YAML with the start line of each document', () => {
    const text = [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: a}',
      '---',
      '# comment',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: b}',
      '',
    ].join('\n');
    const documents = parseManifests(text, 'x.yaml');
    expect(documents.map((document) => [(document.value as { kind: string }).kind, document.line])).toEqual([
      ['ServiceAccount', 1],
      ['Secret', 6],
    ]);
  });

  it('ignores empty documents and stray separators, as helm output has them', () => {
    const documents = parseManifests('---\n---\n# only a comment\n---\nkind: A\n---\n', 'helm.yaml');
    expect(documents).toHaveLength(1);
    expect(documents[0]?.line).toBe(5);
  });

  it('remembers the chart template named by helm template', () => {
    const text = [
      '---',
      '# Source: shop/templates/serviceaccount.yaml',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: shop}',
      '---',
      '# Source: shop/templates/deployment.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: shop}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: no-source}',
    ].join('\n');
    expect(parseManifests(text, '<stdin>').map((document) => document.template)).toEqual([
      'shop/templates/serviceaccount.yaml',
      'shop/templates/deployment.yaml',
      undefined,
    ]);
  });

  it('unpacks kind: List and *List documents into items with their own lines', () => {
    const text = ['apiVersion: v1', 'kind: List', 'items:', '- kind: A', '  apiVersion: v1', '- apiVersion: v1', '  kind: B', ''].join(
      '\n',
    );
    const documents = parseManifests(text, 'list.yaml');
    expect(documents.map((document) => [(document.value as { kind: string }).kind, document.line, document.listLine])).toEqual([
      ['A', 4, 1],
      ['B', 6, 1],
    ]);
  });

  it('reads JSON, including a JSON List', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'A' }, { kind: 'B' }] }, null, 2);
    expect(parseManifests(text, 'list.json').map((document) => document.line)).toEqual([5, 8]);
  });

  it('applies YAML 1.1 like kubectl: yes/no/on/off are booleans, 0644 is octal, timestamps stay strings', () => {
    const [document] = parseManifests(
      'automountServiceAccountToken: no\nother: on\ndefaultMode: 0644\ncreationTimestamp: 2024-01-02T03:04:05Z\n',
      'x.yaml',
    );
    expect(document?.value).toEqual({
      automountServiceAccountToken: false,
      other: true,
      defaultMode: 420,
      creationTimestamp: '2024-01-02T03:04:05Z',
    });
  });

  it('reports invalid YAML with file:line:column and the reason', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n   namespace: b: c\n';
    const error = (() => {
      try {
        parseManifests(text, 'broken.yaml');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^broken\.yaml:5:\d+: invalid YAML: /);
    expect((error as InputError).position).toMatchObject({ file: 'broken.yaml', line: 5 });
  });

  it('rejects duplicate keys, as kubectl does', () => {
    expect(() => parseManifests('kind: A\nkind: B\n', 'dup.yaml')).toThrow(/dup\.yaml:2:1: invalid YAML: duplicated mapping key/);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 0; level < 12; level++)
      bomb.push(
        `l${level}: &l${level} [${Array(9)
          .fill(level === 0 ? '*a' : `*l${level - 1}`)
          .join(',')}]`,
      );
    expect(() => parseManifests(bomb.join('\n'), 'bomb.yaml')).toThrow(InputError);
  });

  it('parses a stream one stretch of documents at a time, with the same values and lines as a whole', () => {
    const text = [
      '%YAML 1.1', // a directive before the first document
      '--- # first',
      'kind: A',
      'text: |',
      '  --- indented, so part of the scalar',
      '  ... as is this',
      '---',
      '--- |',
      'a top-level literal',
      '...',
      '%YAML 1.1', // a directive after an explicit end
      '---',
      'kind: B',
      '---kind: not a marker', // `---` followed by text begins a plain scalar (a key of B), not a document
      '',
    ].join('\n');
    expect(documentStretches(text).length).toBe(4);
    const documents = parseManifests(text, 's.yaml');
    expect(documents.map((document) => [document.value, document.line])).toEqual([
      [{ kind: 'A', text: '--- indented, so part of the scalar\n... as is this\n' }, 3],
      // js-yaml places a block scalar at its content, as it does parsing the text whole.
      ['a top-level literal\n', 9],
      [{ kind: 'B', '---kind': 'not a marker' }, 13],
    ]);
  });

  it('splits every corpus file, and lines of blanks, comments, CRs and markers, where the line-by-line definition does', () => {
    // The definition, line by line with regular expressions (as first written); the fast scan must agree with it.
    const reference = (text: string): [number, number][] => {
      const stretches: [number, number][] = [];
      let from = 0;
      let begun = false;
      let ended = false;
      for (let lineStart = 0; lineStart < text.length;) {
        const newline = text.indexOf('\n', lineStart);
        const lineEnd = newline === -1 ? text.length : newline + 1;
        const marker = (prefix: string) => text.startsWith(prefix, lineStart) && /^[ \t\r\n]?$/.test(text.charAt(lineStart + 3));
        if (marker('---')) {
          if (begun && lineStart > from) {
            stretches.push([from, lineStart]);
            from = lineStart;
          }
          begun = true;
          ended = false;
        } else if (marker('...')) ended = begun;
        else if (text.charAt(lineStart) === '%' && ended) {
          stretches.push([from, lineStart]);
          from = lineStart;
          begun = false;
          ended = false;
        } else if (text.charAt(lineStart) !== '%' && !/^[ \t]*(#.*)?\r?\n?$/.test(text.slice(lineStart, lineEnd))) begun = true;
        lineStart = lineEnd;
      }
      stretches.push([from, text.length]);
      return stretches;
    };
    const texts = corpusFiles().map((file) => readFileSync(file, 'utf8'));
    const lines = [
      '',
      ' ',
      '\t',
      '# c',
      '  # c',
      '\r',
      ' \r',
      '\rx',
      'a',
      '---',
      '--- a',
      '---a',
      '...',
      '... #',
      '%YAML 1.1',
      '%',
      '-',
      'k: v',
    ];
    for (const first of lines)
      for (const second of lines)
        for (const third of lines) texts.push(`${first}\n${second}\r\n${third}`, `${first}\n${second}\n${third}\n`);
    for (const text of texts) expect(documentStretches(text)).toEqual(reference(text));
  });

  it("names the file's line, not the stretch's, for an error in a later document", () => {
    const text = ['kind: A', '---', 'kind: B', '---', 'kind: C', 'metadata:', '  name: a', '   namespace: b: c', ''].join('\n');
    expect(() => parseManifests(text, 'later.yaml')).toThrow(/^later\.yaml:8:\d+: invalid YAML: /);
  });
});

describe('parsed values and the text they were read from', () => {
  it('do not keep the text alive: long values are copies of their own', () => {
    // V8 makes a value of 13 characters or more taken from the text a slice that keeps all of it; argo-cd's
    // install.yaml is 1.9 MB, most of it long descriptions. Memory is V8's heap and what it holds outside.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const held = () => {
      gc();
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.external - usage.arrayBuffers;
    };
    const bytes = readFileSync(corpusPath('argo-cd', 'install.yaml'));
    const empty = held();
    const holder: { text?: string } = { text: bytes.toString('utf8') };
    const textSize = held() - empty;
    expect(textSize).toBeGreaterThan(bytes.length * 0.9);
    const documents = parseManifests(holder.text ?? '', 'install.yaml');
    const withText = held();
    delete holder.text;
    expect(withText - held()).toBeGreaterThan(textSize * 0.9);
    // The values are all there, long ones too, as the file has them.
    const longValues: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string' && value.length >= 13) longValues.push(value);
      else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
    };
    documents.forEach((document) => collect(document.value));
    expect(longValues.length).toBeGreaterThan(1000);
    expect(longValues).toContain('quay.io/argoproj/argocd:latest');
    expect(longValues).toContain('ghcr.io/dexidp/dex:v2.45.1');
  });
});
