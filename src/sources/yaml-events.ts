import { EVENT_ID, type Event } from 'js-yaml';

/**
 * Small helpers over js-yaml's flat event stream, shared by the two readers that need positions the
 * loader drops: document and List-item starts (parse-manifests.ts) and JSON-pointer lines
 * (yaml-pointer-lines.ts).
 */

/** The index just past the node starting at `index` (a whole mapping or sequence, or one scalar/alias). */
export function skipNode(events: readonly Event[], index: number): number {
  const event = events[index];
  if (event?.type !== EVENT_ID.MAPPING && event?.type !== EVENT_ID.SEQUENCE) return index + 1;
  let depth = 0;
  do {
    const current = events[index];
    if (current?.type === EVENT_ID.MAPPING || current?.type === EVENT_ID.SEQUENCE) depth += 1;
    else if (current?.type === EVENT_ID.POP) depth -= 1;
    index += 1;
  } while (depth > 0 && index < events.length);
  return index;
}

/** Where a node starts in the source: its anchor or tag if it has one, else its content. */
export function startOf(event: Event): number | undefined {
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return firstKnown(event.anchorStart, event.tagStart, event.start);
    case EVENT_ID.SCALAR:
      return firstKnown(event.anchorStart, event.tagStart, event.valueStart);
    case EVENT_ID.ALIAS:
      return firstKnown(event.anchorStart);
    default:
      return undefined;
  }
}

function firstKnown(...offsets: number[]): number | undefined {
  const known = offsets.filter((offset) => offset >= 0);
  return known.length === 0 ? undefined : Math.min(...known);
}
