import { isMap, isScalar, parseAllDocuments, visit, type Node, type Scalar, type YAMLMap } from 'yaml';
import { countLineBreaks } from '../sources/line-index.js';
import { tokenShaped } from '../tokens/jwt.js';
import { documentStarts } from './manifest-edit.js';

/**
 * Secret values taken out of manifest text, line for line: every value under a Secret's `data` and
 * `stringData` (and its kubectl apply copy, the last-applied-configuration annotation, which holds them
 * too) becomes `REDACTED`, and the text keeps its line count, so a diff of two redacted texts has the hunks
 * of the real one with no value in its context lines, and a line number means the same in both. A document
 * that mentions a Secret but does not parse has every line redacted: nothing is guessed about it. A token
 * anywhere else (pasted into a Deployment's env, a ConfigMap) is taken out the same way.
 */

export const REDACTED = 'REDACTED';

export interface RedactedText {
  readonly text: string;
  /** Values taken out. */
  readonly values: number;
  /** 0-based lines of the text that held a value (or a line of an unreadable document mentioning a Secret). */
  readonly lines: ReadonlySet<number>;
}

const yamlOptions = { version: '1.1', merge: true, uniqueKeys: false } as const;
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
/** `kind: Secret` in block or flow YAML or JSON, quoted or not. */
const secretKind = /(?:^|[\s{,])["']?kind["']?[ \t]*:[ \t]*["']?Secret["']?(?=[\s,}]|$)/m;

export function redactSecretValues(text: string): RedactedText {
  return withoutTokens(withoutSecretData(text));
}

function withoutSecretData(text: string): RedactedText {
  // Only documents with a `kind: Secret` are parsed (CRDs say "Secret" in many a description): a file
  // without one costs one scan of its text.
  if (!secretKind.test(text)) return { text, values: 0, lines: new Set() };
  const parts: string[] = [];
  const lines = new Set<number>();
  let values = 0;
  let firstLine = 0;
  for (const part of documentTexts(text)) {
    const redacted = secretKind.test(part) ? redactDocument(part) : { text: part, values: 0, lines: new Set<number>() };
    parts.push(redacted.text);
    values += redacted.values;
    for (const line of redacted.lines) lines.add(firstLine + line);
    firstLine += lineBreaks(part);
  }
  return { text: parts.join(''), values, lines };
}

function withoutTokens(redacted: RedactedText): RedactedText {
  const source = redacted.text;
  if (!source.includes('eyJ') && !source.includes('ZXlK')) return redacted;
  const lines = new Set(redacted.lines);
  let values = redacted.values;
  let line = 0;
  let at = 0;
  const text = source.replace(tokenShaped, (_token, offset: number) => {
    line += countLineBreaks(source, at, offset);
    at = offset;
    lines.add(line);
    values += 1;
    return REDACTED;
  });
  return { text, values, lines };
}

/** The file's documents' texts, each from its `---` line (the first from the file's start); joined, the file. */
function documentTexts(text: string): string[] {
  const starts = documentStarts(text);
  return starts.map((start, index) => text.slice(start, starts[index + 1] ?? text.length));
}

function redactDocument(part: string): RedactedText {
  const documents = parseAllDocuments(part, yamlOptions);
  if (!Array.isArray(documents) || documents.some((document) => document.errors.length > 0)) return redactEveryLine(part);
  const ranges: { start: number; end: number; block: boolean }[] = [];
  for (const document of documents) {
    visit(document, {
      Map(_key, map) {
        if (map.get('kind') !== 'Secret') return;
        for (const key of ['data', 'stringData']) {
          const values = map.get(key, true) as Node | null | undefined;
          if (isMap(values)) for (const pair of values.items) addValue(ranges, pair.value as Node | null);
          else addValue(ranges, values ?? null);
        }
        const metadata = map.get('metadata', true);
        const annotations = isMap(metadata) ? (metadata as YAMLMap).get('annotations', true) : undefined;
        if (isMap(annotations)) addValue(ranges, (annotations as YAMLMap).get(lastApplied, true) as Node | null);
      },
    });
  }
  if (ranges.length === 0) return { text: part, values: 0, lines: new Set() };
  ranges.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  const lines = new Set<number>();
  for (const range of ranges) {
    if (range.start < at) continue; // nested in a value already taken out
    out += part.slice(at, range.start);
    const first = lineBreaks(part.slice(0, range.start));
    const source = part.slice(range.start, range.end);
    for (let line = 0; line <= lineBreaks(source.replace(/\n$/, '')); line++) lines.add(first + line);
    out += redactedValue(source, range.block);
    at = range.end;
  }
  out += part.slice(at);
  return { text: out, values: ranges.length, lines };
}

/** A value's range; an empty one holds nothing to hide and stays, so diffs show it as it is. */
function addValue(ranges: { start: number; end: number; block: boolean }[], node: Node | null): void {
  if (!node?.range) return;
  if (isScalar(node) && String((node as Scalar).value ?? '') === '') return;
  const type = isScalar(node) ? (node as Scalar).type : undefined;
  ranges.push({ start: node.range[0], end: node.range[1], block: type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED' });
}

/**
 * The value's text with its line breaks kept: a block scalar keeps its header (`|-`) and each content line
 * its indentation; a quoted value keeps its quotes (so JSON stays JSON); any other line is left empty.
 */
function redactedValue(source: string, block: boolean): string {
  return source
    .split('\n')
    .map((line, index) => {
      if (index === 0 && block) return line;
      if (line.trim() === '') return line;
      if (block) return `${/^\s*/.exec(line)?.[0] ?? ''}${REDACTED}${line.endsWith('\r') ? '\r' : ''}`;
      if (index > 0) return line.endsWith('\r') ? '\r' : '';
      const quote = line[0] === '"' || line[0] === "'" ? line[0] : '';
      return `${quote}${REDACTED}${quote}`;
    })
    .join('\n');
}

function redactEveryLine(part: string): RedactedText {
  const lines = new Set<number>();
  const text = part
    .split('\n')
    .map((line, index) => {
      if (/^(---|\.\.\.)?\s*$/.test(line)) return line;
      lines.add(index);
      return `${/^\s*/.exec(line)?.[0] ?? ''}${REDACTED}`;
    })
    .join('\n');
  return { text, values: lines.size, lines };
}

function lineBreaks(text: string): number {
  return countLineBreaks(text, 0, text.length);
}
