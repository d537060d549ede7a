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
import { countLineBreaks } from './line-index.js';
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
  // Lines are counted as documents are met, front to back: an index of every line of a 50 MB file is tens of MB.
  const lines = new LineCursor(text);
  let stretches = 0;
  let previousEnd = 0;
  for (const [from, to] of documentStretches(text)) {
    // Every 256 stretches (documents, mostly): the caller may look at the heap while a large file is parsed.
    if ((++stretches & 255) === 0) options.onProgress?.();
    const source = from === 0 && to === text.length ? text : text.slice(from, to);
    let events: Event[];
    let values: unknown[];
    try {
      events = parseEvents(source, { filename: file, maxDepth: 200 });
      values = constructFromEvents(events, { source, filename: file, schema: kubernetesYamlSchema, maxAliases: 1000 });
    } catch (error) {
      throw toInputError(error, file, lines.position(from).line - 1);
    }
    const outline = outlineOf(events);
    if (outline.aliased) rejectExcessiveAliasing(values, source, file);
    for (const value of values) detachStrings(value, copies);
    values.forEach((value, index) => {
      const root = outline.roots[index] ?? -1;
      const rootStart = root === -1 ? undefined : startOf(events[root] as Event);
      const start = rootStart === undefined ? previousEnd : from + rootStart;
      const template = helmTemplateBefore(text, previousEnd, start);
      const { line, column } = lines.position(start);
      previousEnd = Math.max(previousEnd, start);
      if (value === null || value === undefined) return;
      const itemStarts = isListDocument(value) ? listItemStarts(events, root, source) : undefined;
      if (isListDocument(value) && itemStarts) {
        value.items.forEach((item, itemIndex) => {
          const itemStart = itemStarts[itemIndex];
          const at = lines.position(itemStart === undefined || itemStart === -1 ? start : from + itemStart);
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

/**
 * Line and column of offsets in a text, asked mostly front to back (documents, then their items): each answer
 * counts the line breaks from the one before, so a whole file costs one pass and no index of its lines.
 */
class LineCursor {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    if (offset >= this.offset) this.line += countLineBreaks(this.text, this.offset, offset);
    else this.line -= countLineBreaks(this.text, offset, this.offset);
    this.offset = offset;
    const lineStart = offset === 0 ? 0 : this.text.lastIndexOf('\n', offset - 1) + 1;
    return { line: this.line, column: offset - lineStart + 1 };
  }
}

/**
 * Splits a YAML stream into stretches that are streams of their own, each holding one or more whole
 * documents: a new stretch begins at every `---` line once the current one has begun a document, and at a
 * directive (`%…`) that follows an explicit end (`...`). YAML forbids a line that starts with `---` or `...`
 * followed by a space or the line's end inside any scalar (c-forbidden), so such a line is always a marker.
 */
export function documentStretches(text: string): [number, number][] {
  const stretches: [number, number][] = [];
  const candidates = new CandidateLines(text);
  let from = 0;
  let begun = false;
  let ended = false;
  for (let lineStart = 0; lineStart < text.length;) {
    // Within a document only a line that starts with `-`, `.` or `%` can change anything: jump to the next one.
    if (begun) {
      lineStart = candidates.next(lineStart);
      if (lineStart === -1) break;
    }
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

/** The starts of lines beginning with `-`, `.` or `%`, found by searching for each from where it was last found. */
class CandidateLines {
  private readonly found = [0, 0, 0];

  constructor(private readonly text: string) {
    for (let kind = 0; kind < 3; kind++) this.found[kind] = this.search(kind, 0);
  }

  /** The first such line start at or after `lineStart` (a line start), or -1. */
  next(lineStart: number): number {
    let nearest = -1;
    for (let kind = 0; kind < 3; kind++) {
      let at = this.found[kind] ?? -1;
      if (at !== -1 && at < lineStart) {
        at = this.search(kind, lineStart);
        this.found[kind] = at;
      }
      if (at !== -1 && (nearest === -1 || at < nearest)) nearest = at;
    }
    return nearest;
  }

  private search(kind: number, lineStart: number): number {
    const char = candidateChars[kind] ?? '';
    if (lineStart === 0 && this.text.startsWith(char)) return 0;
    const newline = this.text.indexOf(`\n${char}`, lineStart === 0 ? 0 : lineStart - 1);
    return newline === -1 ? -1 : newline + 1;
  }
}

const candidateChars = ['-', '.', '%'];

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

interface EventOutline {
  /** Per document, the index of its root node's event; -1 for an empty document. */
  readonly roots: number[];
  /** Some node is an alias of another. */
  readonly aliased: boolean;
}

/**
 * One pass over js-yaml's flat event stream: where each document's root node is (js-yaml's loader drops
 * positions; the values come from constructFromEvents) and whether any alias appears.
 */
function outlineOf(events: readonly Event[]): EventOutline {
  const roots: number[] = [];
  let aliased = false;
  for (let index = 0; index < events.length; index++) {
    const type = (events[index] as Event).type;
    if (type === EVENT_ID.DOCUMENT) {
      const next = events[index + 1];
      roots.push(next === undefined || next.type === EVENT_ID.POP ? -1 : index + 1);
    } else if (type === EVENT_ID.ALIAS) aliased = true;
  }
  return { roots, aliased };
}

/** Where each item of a `*List` document's `items` sequence starts (-1 when unknown); undefined when the root has no such sequence. */
function listItemStarts(events: readonly Event[], root: number, text: string): number[] | undefined {
  if (events[root]?.type !== EVENT_ID.MAPPING) return undefined;
  let index = root + 1;
  let starts: number[] | undefined;
  while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
    const key = events[index];
    const isItemsKey = key?.type === EVENT_ID.SCALAR && getScalarValue(text, key) === 'items';
    index = skipNode(events, index);
    if (isItemsKey && events[index]?.type === EVENT_ID.SEQUENCE) starts = childStarts(events, index);
    index = skipNode(events, index);
  }
  return starts;
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
