import { readFileSync } from 'node:fs';

export interface ExpectedObject {
  readonly kind: string;
  readonly line: number;
}

/**
 * An independent, line-based reading of a manifest file, used as the oracle for the YAML source layer:
 * documents split on `---`, one object per document at its first content line, and for `*List`
 * documents one object per top-level `- ` item. It only handles the plain layout real manifests use,
 * which is exactly why it is a useful cross-check of the event-based parser.
 */
export function expectedObjects(file: string): ExpectedObject[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const documents: { start: number; lines: string[] }[] = [{ start: 1, lines: [] }];
  lines.forEach((line, index) => {
    if (/^---(\s|$)/.test(line)) documents.push({ start: index + 2, lines: [] });
    else documents.at(-1)?.lines.push(line);
  });
  const objects: ExpectedObject[] = [];
  for (const document of documents) {
    const kind = document.lines.map((line) => /^kind:\s*"?([A-Za-z]+)"?\s*$/.exec(line)?.[1]).find(Boolean);
    if (!kind) continue;
    if (kind.endsWith('List')) {
      let inItems = false;
      let itemKindPending: number | undefined;
      document.lines.forEach((line, offset) => {
        if (/^items:/.test(line)) inItems = true;
        else if (/^\S/.test(line) && !line.startsWith('- ')) inItems = false;
        if (!inItems) return;
        if (line.startsWith('- ')) itemKindPending = document.start + offset;
        const itemKind = /^(?:- | {2})kind:\s*(\S+)/.exec(line)?.[1];
        if (itemKind && itemKindPending !== undefined) {
          objects.push({ kind: itemKind, line: itemKindPending });
          itemKindPending = undefined;
        }
      });
      continue;
    }
    const first = document.lines.findIndex((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    objects.push({ kind, line: document.start + first });
  }
  return objects;
}
