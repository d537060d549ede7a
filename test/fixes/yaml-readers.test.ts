import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../../src/sources/parse-manifests.js';
import { corpusFiles, corpusRoot } from '../helpers/corpus.js';

// js-yaml reads every manifest; the `yaml` package only locates nodes for the fix writer. Both must see the
// same objects in every corpus file, or a fix would be planned on one reading and written on another.
describe('js-yaml (the reader) and yaml (the fix writer) read the corpus identically', () => {
  for (const file of corpusFiles()) {
    it(file.slice(corpusRoot.length + 1), () => {
      const text = readFileSync(file, 'utf8');
      const fromJsYaml = parseManifests(text, file).map((document) => document.value);
      const fromYaml = parseAllDocuments(text, { version: '1.1', merge: true })
        .map((document) => document.toJS({ maxAliasCount: 1000 }) as unknown)
        .filter((value) => value !== null && value !== undefined)
        .flatMap((value) => (isList(value) ? value.items : [value]));
      expect(normalise(fromYaml)).toEqual(normalise(fromJsYaml));
    });
  }
});

function isList(value: unknown): value is { items: unknown[] } {
  const record = value as { kind?: unknown; items?: unknown };
  return typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items);
}

/** Compared as JSON: what the API server would receive. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => item));
}
