import { findingPointer } from '../fixes/finding-field.js';
import type { CompiledFix } from '../policy/compile-pack.js';
import type { Finding } from '../policy/finding.js';
import type { FieldLocator } from '../report/scan-report.js';
import { YamlPointerLines } from '../sources/yaml-pointer-lines.js';

/**
 * Each finding's field and its file:line: the pointer is pure (finding-field.ts); the line is looked up in the
 * file's text as the scan read it (`texts`, by the name findings' sources give, stdin's too), never read a
 * second time; only when the caller will print fields (-o json|yaml).
 */
export function locateFindingFields(
  findings: readonly Finding[],
  fixes: ReadonlyMap<string, CompiledFix>,
  texts: ReadonlyMap<string, string>,
): FieldLocator {
  const lines = new Map<string, YamlPointerLines | undefined>();
  for (const finding of findings) {
    const file = finding.source?.file;
    if (!file || lines.has(file)) continue;
    const text = texts.get(file);
    lines.set(file, text === undefined ? undefined : new YamlPointerLines(text));
  }
  const located = new Map<Finding, { pointer: string; line: number | null }>();
  // In the order of the files' lines, so that each stretch of documents is parsed once (YamlPointerLines).
  const byPosition = [...findings].sort(
    (a, b) => compareText(a.source?.file ?? '', b.source?.file ?? '') || (a.source?.line ?? 0) - (b.source?.line ?? 0),
  );
  for (const finding of byPosition) {
    const pointer = findingPointer(finding, fixes);
    const source = finding.source;
    const index = source ? lines.get(source.file) : undefined;
    const documentIndex = source && index ? index.documentAtLine(source.line) : undefined;
    const line = index && documentIndex !== undefined ? (index.lineOf(documentIndex, pointer) ?? null) : null;
    located.set(finding, { pointer, line });
  }
  return (finding) => located.get(finding);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
