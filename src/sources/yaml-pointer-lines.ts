import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';
import { documentStretches } from './parse-manifests.js';
import { skipNode, startOf } from './yaml-events.js';
import { countLineBreaks, LineIndex } from './line-index.js';

/**
 * Maps JSON pointers inside each document of a YAML text to the line where that node starts, so an
 * error ajv reports at `/rules/3/assert/properties` can be shown as `pack.yaml:41`. Built from js-yaml's
 * event stream, which keeps offsets that its loader drops. Pure: text in, lookup out.
 *
 * A document is named by the line its root node starts on (what parseManifests reports). The text is parsed
 * one stretch of documents at a time (documentStretches), when a document in it is first asked about, and only
 * the last stretch's pointers are kept: js-yaml's events for a whole 50 MiB file, or the pointers of every
 * node in it, are several times the size of the objects. Ask in the order of the lines to parse each once.
 */
export class YamlPointerLines {
  private readonly text: string;
  private readonly stretches: readonly [number, number][];
  /** The first line of each stretch, ascending. */
  private readonly stretchLines: readonly number[];
  private last: { readonly stretch: number; readonly documents: ReadonlyMap<number, ReadonlyMap<string, number>> } | undefined;

  constructor(text: string) {
    this.text = text;
    this.stretches = documentStretches(text);
    // Counted, not indexed: an index of every line of a 50 MB file is tens of MB.
    let line = 1;
    let counted = 0;
    this.stretchLines = this.stretches.map(([from]) => {
      line += countLineBreaks(text, counted, from);
      counted = from;
      return line;
    });
  }

  /**
   * The document whose root node starts on `line`, as the handle lineOf takes; undefined when none does (or
   * its stretch no longer parses: the file changed since it was read).
   */
  documentAtLine(line: number): number | undefined {
    return this.documentsAround(line)?.has(line) ? line : undefined;
  }

  /** The line of the deepest known node on the pointer's path (a missing property maps to its parent). */
  lineOf(document: number, pointer: string): number | undefined {
    const pointers = this.documentsAround(document)?.get(document);
    if (!pointers) return undefined;
    let current = pointer;
    for (;;) {
      const line = pointers.get(current);
      if (line !== undefined) return line;
      if (current === '') return undefined;
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }

  /** The pointers of every document of the stretch holding `line`, by root line. */
  private documentsAround(line: number): ReadonlyMap<number, ReadonlyMap<string, number>> | undefined {
    const stretch = lastAtOrBefore(this.stretchLines, line);
    if (stretch === -1) return undefined;
    if (this.last?.stretch !== stretch) {
      const [from, to] = this.stretches[stretch] ?? [0, 0];
      const source = this.text.slice(from, to);
      let events: Event[];
      try {
        events = parseEvents(source, { maxDepth: 200 });
      } catch {
        return undefined;
      }
      const documents = new Map<number, Map<string, number>>();
      const at = { text: source, lines: new LineIndex(source, this.stretchLines[stretch]) };
      let index = 0;
      while (index < events.length) {
        if (events[index]?.type !== EVENT_ID.DOCUMENT) {
          index += 1;
          continue;
        }
        const pointers = new Map<string, number>();
        index = walk(events, index + 1, '', pointers, at);
        const root = pointers.get('');
        if (root !== undefined && !documents.has(root)) documents.set(root, pointers);
        index += 1; // the document's POP
      }
      this.last = { stretch, documents };
    }
    return this.last.documents;
  }
}

/** The index of the last value ≤ `value` in an ascending list, or -1. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? Infinity) <= value) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Where a stretch's events point: its text, and its lines numbered as in the whole file. */
interface StretchText {
  readonly text: string;
  readonly lines: LineIndex;
}

function walk(events: readonly Event[], index: number, pointer: string, out: Map<string, number>, at: StretchText): number {
  const event = events[index];
  if (!event) return index + 1;
  const start = startOf(event);
  if (start !== undefined) out.set(pointer, at.lines.position(start).line);
  if (event.type === EVENT_ID.MAPPING) {
    index += 1;
    while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
      const key = events[index];
      const name = key?.type === EVENT_ID.SCALAR ? getScalarValue(at.text, key) : '';
      const keyStart = key ? startOf(key) : undefined;
      index = skipNode(events, index);
      const child = `${pointer}/${escapePointer(String(name))}`;
      index = walk(events, index, child, out, at);
      // A key's own line is where users look for "this property"; prefer it over a value on the next line.
      if (keyStart !== undefined) out.set(child, at.lines.position(keyStart).line);
    }
    return index + 1;
  }
  if (event.type === EVENT_ID.SEQUENCE) {
    index += 1;
    let item = 0;
    while (index < events.length && events[index]?.type !== EVENT_ID.POP) {
      index = walk(events, index, `${pointer}/${item}`, out, at);
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
