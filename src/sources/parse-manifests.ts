import {
  EVENT_ID,
  Schema,
  YAML11_SCHEMA,
  YAMLException,
  constructFromEvents,
  getScalarValue,
  parseEvents,
  timestampTag,
  type Event,
} from 'js-yaml';
import { InputError } from '../errors/kubectl-sa-error.js';
import { countLineBreaks, LineIndex } from './line-index.js';
import { skipNode, startOf } from './yaml-events.js';

/**
 * kubectl turns YAML into JSON with go-yaml's YAML 1.1 rules (so `automountServiceAccountToken: no` is
 * false and `defaultMode: 0644` is octal), but keeps timestamps as strings. We do the same so that the
 * objects we judge are the objects the API server would receive.
 */
const kubernetesYamlSchema = new Schema(YAML11_SCHEMA.tags.filter((tag) => tag !== timestampTag));

/** One YAML document, or one item of a `kind: List`, with where it starts in its file. */
export interface ParsedDocument {
  readonly value: unknown;
  readonly line: number;
  readonly column: number;
  /** The chart template a `helm template` document came from (its `# Source:` comment). */
  readonly template?: string;
  /** Set for items unpacked from a `*List` document: the list's own line. */
  readonly listLine?: number;
}

const helmSourceComment = /^#\s*Source:\s*(\S.*?)\s*$/m;

/**
 * Parses a multi-document YAML or JSON text into documents with their positions. Throws an InputError
 * naming file:line:column and the parser's reason on invalid YAML. Pure: no I/O.
 *
 * Documents are parsed one stretch at a time (documentStretches): js-yaml's event stream for a whole
 * 50 MB file is several times the size of the objects it describes, and only one document's is needed at once.
 */
export function parseManifests(text: string, file: string, options: { readonly onProgress?: () => void } = {}): ParsedDocument[] {
  const documents: ParsedDocument[] = [];
  const copies = new Map<string, string>();
  let stretches = 0;
  let previousEnd = 0;
  // Lines are indexed stretch by stretch (stretches follow each other): an index of every line of a 50 MB
  // file is tens of MB.
  let firstLine = 1;
  for (const [from, to] of documentStretches(text)) {
    // Every 256 stretches (documents, mostly): the caller may look at the heap while a large file is parsed.
    if ((++stretches & 255) === 0) options.onProgress?.();
    const source = from === 0 && to === text.length ? text : text.slice(from, to);
    const lines = new LineIndex(source, firstLine);
    firstLine = lines.nextLine;
    // Offsets are the whole text's; one before the stretch (no root seen yet) is looked up in the whole.
    const position = (offset: number) => (offset >= from ? lines.position(offset - from) : positionIn(text, offset));
    let events: Event[];
    let values: unknown[];
    try {
      events = parseEvents(source, { filename: file, maxDepth: 200 });
      values = constructFromEvents(events, { source, filename: file, schema: kubernetesYamlSchema, maxAliases: 1000 });
    } catch (error) {
      throw toInputError(error, file, lines.position(0).line - 1);
    }
    if (events.some((event) => event.type === EVENT_ID.ALIAS)) rejectExcessiveAliasing(values, source, file);
    for (const value of values) detachStrings(value, copies);
    const shapes = shapeDocuments(events, source);
    values.forEach((value, index) => {
      const shape = shapes[index];
      const start = shape?.rootStart === undefined ? previousEnd : from + shape.rootStart;
      const template = helmTemplateBefore(text, previousEnd, start);
      const { line, column } = position(start);
      previousEnd = Math.max(previousEnd, start);
      if (value === null || value === undefined) return;
      if (isListDocument(value) && shape?.itemStarts) {
        value.items.forEach((item, itemIndex) => {
          const itemStart = shape.itemStarts?.[itemIndex];
          const at = position(itemStart === undefined || itemStart === -1 ? start : from + itemStart);
          documents.push({ value: item, line: at.line, column: at.column, listLine: line, ...(template ? { template } : {}) });
        });
        return;
      }
      documents.push({ value, line, column, ...(template ? { template } : {}) });
    });
  }
  return documents;
}

/**
 * V8 makes a string of 13 characters or more taken out of another a slice that keeps the whole of it alive:
 * every long value js-yaml reads (an image, an annotation) would keep the file's text, 51 MiB for 100,000
 * objects, for as long as the objects live. Such values are replaced by copies of their own, one per
 * distinct value (a file repeats them: 17,500 distinct of 154,000 in the realistic 100k benchmark).
 */
const minSlicedLength = 13;

function detachStrings(value: unknown, copies: Map<string, string>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item === 'string') {
        if (item.length >= minSlicedLength) value[index] = copyOf(item, copies);
      } else detachStrings(item, copies);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'string') {
      if (item.length >= minSlicedLength) record[key] = copyOf(item, copies);
    } else detachStrings(item, copies);
  }
}

function copyOf(text: string, copies: Map<string, string>): string {
  let copy = copies.get(text);
  if (copy === undefined) {
    // A round trip through JSON is the one way JavaScript has to make a flat string of its own.
    copy = JSON.parse(JSON.stringify(text)) as string;
    copies.set(text, copy);
  }
  return copy;
}

/** Line and column of an offset, counted from the start of the text. */
function positionIn(text: string, offset: number): { line: number; column: number } {
  const lineStart = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  return { line: 1 + countLineBreaks(text, 0, offset), column: offset - lineStart + 1 };
}

/**
 * Splits a YAML stream into stretches that are streams of their own, each holding one or more whole
 * documents: a new stretch begins at every `---` line once the current one has begun a document, and at a
 * directive (`%…`) that follows an explicit end (`...`). YAML forbids a line that starts with `---` or `...`
 * followed by a space or the line's end inside any scalar (c-forbidden), so such a line is always a marker.
 */
export function documentStretches(text: string): [number, number][] {
  const stretches: [number, number][] = [];
  let from = 0;
  let begun = false;
  let ended = false;
  for (let lineStart = 0; lineStart < text.length;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const first = text.charCodeAt(lineStart);
    if (first === dash && isMarker(text, lineStart, '---')) {
      if (begun && lineStart > from) {
        stretches.push([from, lineStart]);
        from = lineStart;
      }
      begun = true;
      ended = false;
    } else if (first === dot && isMarker(text, lineStart, '...')) {
      ended = begun;
    } else if (first === percent) {
      if (ended) {
        stretches.push([from, lineStart]);
        from = lineStart;
        begun = false;
        ended = false;
      }
    } else if (!begun && !isBlankOrComment(text, lineStart, lineEnd)) {
      // Not a blank line, a comment or a directive (`%` cannot begin a plain scalar): a document has begun.
      begun = true;
    }
    lineStart = lineEnd;
  }
  stretches.push([from, text.length]);
  return stretches;
}

const dash = 0x2d;
const dot = 0x2e;
const percent = 0x25;

/** `---` or `...` at the line's start, followed by a space, a tab or the line's end. */
function isMarker(text: string, lineStart: number, marker: string): boolean {
  if (!text.startsWith(marker, lineStart)) return false;
  const after = text.charAt(lineStart + 3);
  return after === '' || after === ' ' || after === '\t' || after === '\r' || after === '\n';
}

/** Only spaces and tabs before the line's end or a `#`. Called until the stretch's first document begins. */
function isBlankOrComment(text: string, from: number, to: number): boolean {
  for (let offset = from; offset < to; offset++) {
    const char = text.charAt(offset);
    if (char === ' ' || char === '\t') continue;
    if (char === '\r') return offset + 1 === to || (offset + 2 === to && text.charAt(offset + 1) === '\n');
    return char === '#' || char === '\n';
  }
  return true;
}

/** kubectl treats any `*List` kind with an `items` array as a list of objects (meta.IsListType). */
export function isListDocument(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items);
}

/**
 * js-yaml shares aliased nodes instead of copying them, so a "billion laughs" document parses quickly
 * but explodes when anything walks it (validation, JSON output). Like go-yaml, which kubectl uses, we
 * refuse documents whose expanded size is out of all proportion to their text. The size is computed
 * over the shared graph with memoisation, so the check itself stays linear.
 */
function rejectExcessiveAliasing(values: readonly unknown[], text: string, file: string): void {
  const limit = Math.max(100_000, text.length * 50);
  const sizes = new Map<object, number>();
  const sizeOf = (node: unknown): number => {
    if (typeof node !== 'object' || node === null) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // cycles (a node aliasing its ancestor) count once
    let total = 1;
    for (const child of Object.values(node)) {
      total += sizeOf(child);
      if (total > limit) break;
    }
    sizes.set(node, total);
    return total;
  };
  let total = 0;
  for (const value of values) {
    total += sizeOf(value);
    if (total > limit) {
      throw new InputError(`${file}: document contains excessive aliasing (expands to over ${limit} nodes); refusing to read it`);
    }
  }
}

/** `lineOffset`: lines of the file before the stretch that was parsed (marks count from its start). */
function toInputError(error: unknown, file: string, lineOffset: number): InputError {
  if (error instanceof YAMLException && error.mark) {
    return new InputError(`invalid YAML: ${error.reason}`, {
      position: { file, line: lineOffset + error.mark.line + 1, column: error.mark.column + 1 },
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError(`${file}: cannot parse: ${reason}`, { cause: error });
}

function helmTemplateBefore(text: string, from: number, to: number): string | undefined {
  // The comment belongs to this document only if it follows the last `---` before the content.
  const region = text.slice(from, to);
  const separator = region.lastIndexOf('\n---');
  const ownRegion = separator === -1 ? region : region.slice(separator + 4);
  return helmSourceComment.exec(ownRegion)?.[1];
}

interface DocumentShape {
  rootStart: number | undefined;
  itemStarts: number[] | undefined;
}

/**
 * Walks js-yaml's flat event stream once to find where each document's root node starts and, for a
 * root mapping with an `items` sequence, where each item starts. The values themselves come from
 * constructFromEvents; this only recovers positions, which js-yaml's loader does not keep.
 */
function shapeDocuments(events: readonly Event[], text: string): DocumentShape[] {
  const shapes: DocumentShape[] = [];
  let index = 0;
  while (index < events.length) {
    const event = events[index];
    if (event?.type !== EVENT_ID.DOCUMENT) {
      index += 1;
      continue;
    }
    index += 1;
    const root = events[index];
    const shape: DocumentShape = { rootStart: root ? startOf(root) : undefined, itemStarts: undefined };
    if (root?.type === EVENT_ID.MAPPING) {
      index += 1;
      while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
        const key = events[index];
        const isItemsKey = key?.type === EVENT_ID.SCALAR && getScalarValue(text, key) === 'items';
        index = skipNode(events, index);
        const valueEvent = events[index];
        if (isItemsKey && valueEvent?.type === EVENT_ID.SEQUENCE) {
          shape.itemStarts = childStarts(events, index);
        }
        index = skipNode(events, index);
      }
      index += 1;
    } else if (root) {
      index = skipNode(events, index);
    }
    shapes.push(shape);
    index += 1; // the document's POP
  }
  return shapes;
}

function childStarts(events: readonly Event[], sequenceIndex: number): number[] {
  const starts: number[] = [];
  let index = sequenceIndex + 1;
  while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
    const child = events[index];
    starts.push((child && startOf(child)) ?? -1);
    index = skipNode(events, index);
  }
  return starts;
}
