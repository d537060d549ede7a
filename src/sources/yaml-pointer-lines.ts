import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';
import { skipNode, startOf } from './yaml-events.js';
import { LineIndex } from './line-index.js';

/**
 * Maps JSON pointers inside each document of a YAML text to the line where that node starts, so an
 * error ajv reports at `/rules/3/assert/properties` can be shown as `pack.yaml:41`. Built from js-yaml's
 * event stream, which keeps offsets that its loader drops. Pure: text in, lookup out.
 */
export class YamlPointerLines {
  private readonly events: readonly Event[];
  private readonly text: string;
  private readonly lines: LineIndex;
  /** Per document, the index of its root node's event; its pointers are walked when first asked for. */
  private readonly roots: number[] = [];
  private readonly pointers: (ReadonlyMap<string, number> | undefined)[] = [];
  /** Document index by the line its root node starts on: a report looks up one per finding. */
  private readonly byRootLine = new Map<number, number>();

  constructor(text: string) {
    this.events = parseEvents(text, { maxDepth: 200 });
    this.text = text;
    this.lines = new LineIndex(text);
    let index = 0;
    while (index < this.events.length) {
      if (this.events[index]?.type !== EVENT_ID.DOCUMENT) {
        index += 1;
        continue;
      }
      const root = index + 1;
      const documentIndex = this.roots.length;
      this.roots.push(root);
      const rootEvent = this.events[root];
      const start = rootEvent ? startOf(rootEvent) : undefined;
      const line = start === undefined ? undefined : this.lines.position(start).line;
      if (line !== undefined && !this.byRootLine.has(line)) this.byRootLine.set(line, documentIndex);
      index = skipNode(this.events, root) + 1; // past the root node and the document's POP
    }
  }

  /** The index of the document whose root node starts on `line` (parseManifests reports that line). */
  documentAtLine(line: number): number | undefined {
    return this.byRootLine.get(line);
  }

  /** The line of the deepest known node on the pointer's path (a missing property maps to its parent). */
  lineOf(documentIndex: number, pointer: string): number | undefined {
    const pointers = this.documentPointers(documentIndex);
    if (!pointers) return undefined;
    let current = pointer;
    for (;;) {
      const line = pointers.get(current);
      if (line !== undefined) return line;
      if (current === '') return undefined;
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }

  private documentPointers(documentIndex: number): ReadonlyMap<string, number> | undefined {
    const root = this.roots[documentIndex];
    if (root === undefined) return undefined;
    let pointers = this.pointers[documentIndex];
    if (!pointers) {
      const out = new Map<string, number>();
      walk(this.events, root, '', out, this.text, this.lines);
      this.pointers[documentIndex] = pointers = out;
    }
    return pointers;
  }
}

function walk(events: readonly Event[], index: number, pointer: string, out: Map<string, number>, text: string, lines: LineIndex): number {
  const event = events[index];
  if (!event) return index + 1;
  const start = startOf(event);
  if (start !== undefined) out.set(pointer, lines.position(start).line);
  if (event.type === EVENT_ID.MAPPING) {
    index += 1;
    while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
      const key = events[index];
      const name = key?.type === EVENT_ID.SCALAR ? getScalarValue(text, key) : '';
      const keyStart = key ? startOf(key) : undefined;
      index = skipNode(events, index);
      const child = `${pointer}/${escapePointer(String(name))}`;
      index = walk(events, index, child, out, text, lines);
      // A key's own line is where users look for "this property"; prefer it over a value on the next line.
      if (keyStart !== undefined) out.set(child, lines.position(keyStart).line);
    }
    return index + 1;
  }
  if (event.type === EVENT_ID.SEQUENCE) {
    index += 1;
    let item = 0;
    while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
      index = walk(events, index, `${pointer}/${item}`, out, text, lines);
      item += 1;
    }
    return index + 1;
  }
  return index + 1;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
