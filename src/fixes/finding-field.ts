import type { CompiledFix } from '../policy/compile-pack.js';
import type { Finding } from '../policy/finding.js';
import { fixContextOf, FixTemplateError, renderFixPatch } from './fix-template.js';

/**
 * The field of the source object a finding is about, as a JSON pointer: the first field its fix sets or
 * removes (`/spec/template/spec/automountServiceAccountToken`), else the pod spec of a workload, else the
 * object itself (``). Pure; the line of that field in its file is looked up at the edge.
 */
export function findingPointer(finding: Finding, fixes: ReadonlyMap<string, CompiledFix>): string {
  const context = fixContextOf(finding.document);
  const fix = finding.fix === undefined ? undefined : fixes.get(finding.fix);
  if (fix) {
    try {
      const changed = renderFixPatch(fix, context).find((operation) => operation.op !== 'test');
      if (changed) return changed.path;
    } catch (error) {
      if (!(error instanceof FixTemplateError)) throw error;
    }
  }
  return typeof context.podSpecPointer === 'string' ? context.podSpecPointer : '';
}
