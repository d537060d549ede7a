import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  stringify,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { LineIndex } from '../sources/line-index.js';
import { parseManifests } from '../sources/parse-manifests.js';
import { applyPatch, deepEqual, parsePointer, type PatchOperation } from './json-patch.js';

/**
 * Edits manifest text so that only the intended lines change. The `yaml` package's Document API locates
 * every node with its source range; each operation then becomes one text edit at that range (a value
 * replaced, a `key: value` line inserted at the end of its map, a pair's lines removed), rendered by the
 * same package in YAML 1.1 so kubectl reads what we meant. Comments, key order, quoting, anchors, blank
 * lines and every other document stay byte for byte. Where a surgical edit is not possible (flow style,
 * a key sharing its line with a sequence dash) the document is edited through the Document API and
 * re-serialised instead. Either way the result is re-read with js-yaml, the reader every command uses,
 * and must equal the patched object exactly, or nothing is written.
 */

export class ManifestEditError extends Error {}

export interface ObjectPatch {
  /** The line where the object starts (its document, or its item of a `*List`), as the inventory records it. */
  readonly line: number;
  readonly patch: readonly PatchOperation[];
}

export interface ObjectInsertion {
  /** The new object goes in a document of its own right after the document holding the object at this line. */
  readonly afterLine: number;
  readonly object: unknown;
}

const yamlOptions = { version: '1.1', merge: true } as const;
const renderOptions = { version: '1.1', lineWidth: 0 } as const;

export function editManifest(
  text: string,
  file: string,
  patches: readonly ObjectPatch[],
  insertions: readonly ObjectInsertion[] = [],
): string {
  return editManifestDocuments(text, file, patches, insertions).after.join('');
}

/** The file's documents' texts before and after the edits (same count, same order; joined, the file). */
export interface EditedDocuments {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** An edit that could not be made: the object's line, whether it was its patch or an object inserted after it, and why. */
export interface EditFailure {
  readonly line: number;
  readonly edit: 'patch' | 'insertion';
  readonly error: ManifestEditError;
}

/**
 * The edits, document by document: each edit works on the text of its own document only (a 5 MB file is
 * neither re-parsed nor copied per operation), so the cost is the size of the documents edited. Within one
 * document the edits go bottom up, so no edit moves the lines of an object still to edit; after one object,
 * a new document is inserted before that object itself is patched. With `onFailure`, an edit that cannot be
 * made is reported and left out (its document stays as the other edits leave it); without, it throws.
 */
export function editManifestDocuments(
  text: string,
  file: string,
  patches: readonly ObjectPatch[],
  insertions: readonly ObjectInsertion[] = [],
  onFailure?: (failure: EditFailure) => void,
): EditedDocuments {
  const edits = [
    ...insertions.map((insertion) => ({
      line: insertion.afterLine,
      order: 0,
      edit: 'insertion' as const,
      apply: (part: string, where: Where) => appendDocument(part, insertion.object, where),
    })),
    ...patches.map((patch) => ({
      line: patch.line,
      order: 1,
      edit: 'patch' as const,
      apply: (part: string, where: Where) => patchObject(part, where, patch.patch),
    })),
  ].sort((a, b) => b.line - a.line || a.order - b.order);
  const spans = documentSpans(text);
  const before = spans.map((span) => text.slice(span.start, span.end));
  const after = [...before];
  let index = spans.length - 1;
  for (const edit of edits) {
    while (index > 0 && (spans[index]?.firstLine ?? 0) > edit.line) index -= 1;
    const span = spans[index];
    try {
      if (!span || edit.line > span.lastLine)
        throw new ManifestEditError(`${file}:${edit.line}: no document holds this line; nothing was written`);
      after[index] = edit.apply(after[index] ?? '', { file, line: edit.line, relativeLine: edit.line - span.firstLine + 1 });
    } catch (error) {
      if (!(error instanceof ManifestEditError) || !onFailure) throw error;
      onFailure({ line: edit.line, edit: edit.edit, error });
    }
  }
  return { before, after };
}

/** Where an object is: file:line for messages, and its line inside the document text being edited. */
interface Where {
  readonly file: string;
  readonly line: number;
  readonly relativeLine: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * Each document's text: from its `---` (the first from the file's start) to the next document's. A line
 * starting with `---` is a document marker wherever it appears (the YAML spec forbids it inside any
 * scalar), so a line scan finds them without parsing megabytes of YAML.
 */
function documentSpans(text: string): Span[] {
  const lines = new LineIndex(text);
  const starts = documentStarts(text);
  return starts.map((start, index) => {
    const end = starts[index + 1] ?? text.length;
    return { start, end, firstLine: lines.position(start).line, lastLine: lines.position(Math.max(start, end - 1)).line };
  });
}

/** Where each document's text starts: 0, then every line starting with a `---` marker. */
export function documentStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/^---(?=[ \t\r\n]|$)/gm)) if (match.index > 0) starts.push(match.index);
  return starts;
}

function patchObject(text: string, where: Where, patch: readonly PatchOperation[]): string {
  const { value } = locateObject(text, where);
  const expected = applyPatch(value, patch);
  let current = text;
  for (const operation of patch) {
    if (operation.op === 'test') continue;
    current = applyOperation(current, where, operation);
  }
  const actual = locateObject(current, where).value;
  if (!deepEqual(actual, expected))
    throw new ManifestEditError(`${where.file}:${where.line}: the edited object does not read back as planned; nothing was written`);
  return current;
}

interface Located {
  readonly document: Document;
  /** The object's node: the document's contents, or one item of a List. */
  readonly node: YAMLMap;
  /** The object as js-yaml reads it. */
  readonly value: unknown;
}

function locateObject(text: string, where: Where): Located {
  const { file, relativeLine: line } = where;
  const lines = new LineIndex(text);
  // The value comes from the reader every command uses (js-yaml, YAML 1.1 as kubectl), by the same line.
  const value = parseManifests(text, file).find((document) => document.line === line)?.value;
  for (const document of parseAllDocuments(text, yamlOptions)) {
    if (!('contents' in document) || !document.contents) continue;
    const contents = document.contents as Node;
    for (const node of [contents, ...listItems(contents)]) {
      if (!isMap(node) || !node.range || lines.position(node.range[0]).line !== line) continue;
      if (value === undefined) break;
      return { document, node, value };
    }
  }
  throw new ManifestEditError(`${file}:${where.line}: no object starts on this line any more (was the file changed?); nothing was written`);
}

function listItems(contents: Node): Node[] {
  if (!isMap(contents)) return [];
  const items = contents.get('items', true);
  return isSeq(items) ? (items.items as Node[]) : [];
}

/** One operation as one text edit, or through the Document API when the source's style does not allow it. */
function applyOperation(text: string, where: Where, operation: PatchOperation): string {
  const { file, line } = where;
  const { document, node } = locateObject(text, where);
  const tokens = parsePointer(operation.path);
  if (tokens.length === 0) throw new ManifestEditError(`${file}:${line}: a fix cannot replace the whole object`);
  const parent = resolve(node, tokens.slice(0, -1), file, line, operation.path);
  const last = tokens[tokens.length - 1] ?? '';
  const surgical = surgicalEdit(text, parent, last, operation);
  if (surgical !== undefined) return surgical;
  return viaDocumentApi(text, document, node, tokens, operation, file, line);
}

function resolve(node: Node, tokens: readonly string[], file: string, line: number, path: string): Node {
  let current: Node = node;
  for (const token of tokens) {
    if (isAlias(current)) throw sharedNode(file, line, path);
    let next: unknown;
    if (isMap(current)) {
      next = pairOf(current, token)?.value;
      if (
        next === undefined &&
        current.items.some((pair) => isScalar(pair.key) && (pair.key.value === '<<' || typeof pair.key.value === 'symbol'))
      )
        throw new ManifestEditError(`${file}:${line}: ${path} comes from a merge key (<<); edit the anchored map it merges by hand`);
    } else if (isSeq(current)) next = current.items[Number(token)];
    if (!next || typeof next !== 'object') throw new ManifestEditError(`${file}:${line}: ${path}: the parent does not exist in the file`);
    current = next as Node;
  }
  if (isAlias(current)) throw sharedNode(file, line, path);
  return current;
}

function sharedNode(file: string, line: number, path: string): ManifestEditError {
  return new ManifestEditError(
    `${file}:${line}: ${path} is an alias of an anchored node shared with other places; edit the anchor by hand`,
  );
}

function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

function surgicalEdit(text: string, parent: Node, key: string, operation: PatchOperation): string | undefined {
  if (operation.op === 'move' || operation.op === 'copy') return undefined;
  const value = 'value' in operation ? operation.value : undefined;
  if (isMap(parent)) {
    if (!parent.range) return undefined;
    const pair = pairOf(parent, key);
    if (parent.flow) {
      if (operation.op === 'remove') return undefined;
      return pair
        ? replaceValue(text, pair, value, flowStyleOf(parent))
        : insertFlowEntry(text, parent, `${flowKey(key, parent)}: `, value);
    }
    if (operation.op === 'remove') return pair ? removeLines(text, pair) : undefined;
    if (!pair) return insertPair(text, parent, key, value);
    return replaceValue(text, pair, value);
  }
  if (isSeq(parent)) {
    if (!parent.range) return undefined;
    if (parent.flow) {
      if (operation.op === 'add' && (key === '-' || Number(key) === parent.items.length)) return insertFlowEntry(text, parent, '', value);
      return undefined;
    }
    if (operation.op === 'remove') {
      const item = parent.items[Number(key)] as Node | undefined;
      return item?.range ? removeItemLines(text, item) : undefined;
    }
    if (operation.op === 'add' && (key === '-' || Number(key) === parent.items.length)) return appendItem(text, parent, value);
  }
  return undefined;
}

const eolOf = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');
const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end + 1;
}
/** The offset just past the last non-blank character before `offset` (node ranges may include trailing newlines). */
function contentEnd(text: string, offset: number): number {
  let end = offset;
  while (end > 0 && /\s/.test(text[end - 1] ?? '')) end -= 1;
  return end;
}

function indentBlock(rendered: string, indent: string, eol: string): string {
  return rendered
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => indent + line)
    .join(eol);
}

/** `key: value` on a new line after the map's last entry, at the column of its keys. */
function insertPair(text: string, map: YAMLMap, key: string, value: unknown): string | undefined {
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  if (!first || !last || !isScalar(first.key) || !first.key.range) return undefined;
  const column = first.key.range[0] - lineStart(text, first.key.range[0]);
  const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range?.[1];
  if (end === undefined) return undefined;
  const at = lineEnd(text, contentEnd(text, end) - 1);
  const eol = eolOf(text);
  const prefix = at === text.length && !text.endsWith('\n') ? eol : '';
  return (
    text.slice(0, at) + prefix + indentBlock(stringify({ [key]: value }, renderOptions), ' '.repeat(column), eol) + eol + text.slice(at)
  );
}

function replaceValue(text: string, pair: Pair<unknown, unknown>, value: unknown, flow?: FlowStyle): string | undefined {
  const node = pair.value as Node | null;
  if (!node?.range || !isScalar(node) || (typeof value === 'object' && value !== null)) return undefined;
  const rendered = flow ? flowText(value, flow) : stringify(value, renderOptions).replace(/\n$/, '');
  if (rendered.includes('\n')) return undefined;
  return text.slice(0, node.range[0]) + rendered + text.slice(node.range[1]);
}

/** How a flow collection is written: JSON (keys in double quotes), or YAML flow (`{name: a}`). */
interface FlowStyle {
  readonly json: boolean;
}

function flowStyleOf(collection: YAMLMap | YAMLSeq): FlowStyle {
  const first = collection.items[0] as Pair<unknown, unknown> | Node | undefined;
  const key = first && isPair(first) ? first.key : undefined;
  return { json: isScalar(key) && key.type === 'QUOTE_DOUBLE' };
}

function flowKey(key: string, map: YAMLMap): string {
  return flowText(key, flowStyleOf(map));
}

/**
 * A value as it stands inside a flow collection: JSON where the collection is JSON; otherwise plain where
 * YAML 1.1 reads it back as the same string and no flow indicator is in it, else double-quoted (a JSON string is
 * a YAML double-quoted scalar).
 */
function flowText(value: unknown, style: FlowStyle): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowText(item, style)).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${flowText(key, style)}: ${flowText(item, style)}`)
      .join(', ')}}`;
  if (typeof value !== 'string' || style.json) return JSON.stringify(value);
  return /^[A-Za-z_][\w./-]*$/.test(value) && stringify(value, renderOptions).trim() === value ? value : JSON.stringify(value);
}

/**
 * An entry added at the end of a flow map or sequence: after its last item, on a line of its own at the column
 * of its items when they stand one a line (multi-line JSON), else after a comma on the same line.
 */
function insertFlowEntry(text: string, collection: YAMLMap | YAMLSeq, prefix: string, value: unknown): string | undefined {
  const items = collection.items as (Pair<unknown, unknown> | Node)[];
  const startOf = (item: Pair<unknown, unknown> | Node) => (isPair(item) ? (item.key as Node | null)?.range?.[0] : item.range?.[0]);
  const endOf = (item: Pair<unknown, unknown> | Node) =>
    isPair(item) ? ((item.value as Node | null)?.range?.[1] ?? (item.key as Node | null)?.range?.[1]) : item.range?.[1];
  const first = items[0];
  const last = items[items.length - 1];
  const open = collection.range?.[0];
  if (!first || !last || open === undefined) return undefined;
  const firstStart = startOf(first);
  const lastEnd = endOf(last);
  if (firstStart === undefined || lastEnd === undefined) return undefined;
  const entry = prefix + flowText(value, flowStyleOf(collection));
  const at = contentEnd(text, lastEnd);
  if (!text.slice(open, firstStart).includes('\n')) return `${text.slice(0, at)}, ${entry}${text.slice(at)}`;
  const column = firstStart - lineStart(text, firstStart);
  return `${text.slice(0, at)},${eolOf(text)}${' '.repeat(column)}${entry}${text.slice(at)}`;
}

/** Removes a pair's lines, only when its key starts its line (not `- key: value`, which holds a dash). */
function removeLines(text: string, pair: Pair<unknown, unknown>): string | undefined {
  const keyStart = (pair.key as Node).range?.[0];
  const end = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range?.[1];
  if (keyStart === undefined || end === undefined) return undefined;
  const start = lineStart(text, keyStart);
  if (text.slice(start, keyStart).trim() !== '') return undefined;
  return text.slice(0, start) + text.slice(lineEnd(text, contentEnd(text, end) - 1));
}

function removeItemLines(text: string, item: Node): string | undefined {
  const range = item.range;
  if (!range) return undefined;
  const start = lineStart(text, range[0]);
  if (text.slice(start, range[0]).trim() !== '-') return undefined;
  return text.slice(0, start) + text.slice(lineEnd(text, contentEnd(text, range[1]) - 1));
}

function appendItem(text: string, seq: YAMLSeq, value: unknown): string | undefined {
  const first = seq.items[0] as Node | undefined;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!first?.range || !last?.range) return undefined;
  const start = lineStart(text, first.range[0]);
  const dash = text.slice(start, first.range[0]);
  if (dash.trim() !== '-') return undefined;
  const column = dash.indexOf('-');
  const at = lineEnd(text, contentEnd(text, last.range[1]) - 1);
  const eol = eolOf(text);
  return text.slice(0, at) + indentBlock(stringify([value], renderOptions), ' '.repeat(column), eol) + eol + text.slice(at);
}

/** The fallback: the Document API edits the node and re-serialises that one document in place. */
function viaDocumentApi(
  text: string,
  document: Document,
  node: YAMLMap,
  tokens: readonly string[],
  operation: PatchOperation,
  file: string,
  line: number,
): string {
  const path = tokens.map((token) => (/^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : token));
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] ?? '';
  const parent = parentPath.length === 0 ? node : node.getIn(parentPath, true);
  switch (operation.op) {
    case 'add':
      if (isSeq(parent) && (last === '-' || typeof last === 'number')) {
        if (last === '-') parent.add(document.createNode(operation.value));
        else parent.items.splice(last, 0, document.createNode(operation.value));
      } else node.setIn(path, document.createNode(operation.value));
      break;
    case 'replace':
      node.setIn(path, document.createNode(operation.value));
      break;
    case 'remove':
      node.deleteIn(path);
      break;
    default:
      throw new ManifestEditError(`${file}:${line}: ${operation.op} operations are not supported in files`);
  }
  if (isPair(parent)) throw new ManifestEditError(`${file}:${line}: unexpected document shape`);
  const [start, , end] = document.range ?? [0, 0, text.length];
  if (isJson(text)) {
    // JSON stays JSON: the object printed again as JSON, with the indentation the file uses.
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? (text.trim().includes('\n') ? '  ' : '');
    const printed = JSON.stringify(node.toJSON(), null, indent).replace(/\n/g, eolOf(text));
    return text.slice(0, start) + printed + text.slice(start).replace(/^[\s\S]*\}/, '');
  }
  return text.slice(0, start) + document.toString({ ...renderOptions }) + text.slice(end);
}

/** A document written as JSON: its text starts with `{` (after blank lines and a `---`). */
function isJson(text: string): boolean {
  return /^(\s*---[ \t]*\r?\n)?\s*\{/.test(text);
}

function labelOfObject(object: unknown): string {
  const value = object as { kind?: string; metadata?: { name?: string; namespace?: string } } | undefined;
  return `${value?.kind ?? 'the object'} ${value?.metadata?.namespace ? `${value.metadata.namespace}/` : ''}${value?.metadata?.name ?? ''}`.trim();
}

/** A new object as a document of its own at the end of a document's text; a JSON file holds one object only. */
function appendDocument(part: string, object: unknown, where: Where): string {
  if (isJson(part))
    throw new ManifestEditError(
      `${where.file}:${where.line}: a JSON file holds one object: create ${labelOfObject(object)} in a file of its own`,
    );
  const eol = eolOf(part);
  const separator = part === '' || part.endsWith('\n') ? '' : eol;
  return `${part}${separator}---${eol}${stringify(object, renderOptions).replace(/\n/g, eol)}`;
}
