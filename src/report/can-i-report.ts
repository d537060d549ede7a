import type { AccessDecision, Grant, RequestAttributes, SubjectRef } from '../rbac/types.js';
import { formatList } from './grant-format.js';
import { toJson, toYaml } from './serialize.js';
import { renderTable } from './table.js';

/** The documented `kubectl sa can-i -o json` shape (docs/output-formats.md). */
export interface CanIReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'AccessCheck';
  readonly subject: { readonly user: string; readonly groups: readonly string[]; readonly serviceAccount: SubjectRef | null };
  readonly request: RequestAttributes;
  readonly allowed: boolean;
  readonly reason: string;
  readonly grants: readonly Grant[];
  readonly defaultRbac: string | null;
}

/** `yes`/`no` on one line, as `kubectl auth can-i` prints it. */
export function renderCanI(report: CanIReport, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(report);
  if (format === 'yaml') return toYaml(report);
  return report.allowed ? 'yes\n' : 'no\n';
}

/** The documented `kubectl sa can-i --list -o json` shape. */
export interface RuleListReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'RuleList';
  readonly subject: { readonly user: string; readonly groups: readonly string[] };
  /** `` when only cluster-wide grants count (-A). */
  readonly namespace: string;
  readonly grants: readonly Grant[];
}

/**
 * `kubectl auth can-i --list`'s table: one row per resource.group of each rule (URLs in their own column),
 * identical rows merged, sorted as kubectl sorts them.
 */
export function renderRuleList(report: RuleListReport, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(report);
  if (format === 'yaml') return toYaml(report);
  const rows = new Map<string, string[]>();
  for (const { rule } of report.grants) {
    const urls = rule.nonResourceURLs ?? [];
    if (urls.length > 0) {
      const row = ['', formatList(urls), '[]', formatList(rule.verbs)];
      rows.set(row.join('\u0000'), row);
      continue;
    }
    for (const resource of rule.resources ?? []) {
      for (const group of rule.apiGroups ?? []) {
        const row = [group === '' ? resource : `${resource}.${group}`, '[]', formatList(rule.resourceNames), formatList(rule.verbs)];
        rows.set(row.join('\u0000'), row);
      }
    }
  }
  // kubectl lists resource rules first, then the non-resource URLs.
  const key = (row: readonly string[]) => (row[0] === '' ? '\uffff' : '') + row.join(' ');
  const sorted = [...rows.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return renderTable(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], sorted);
}
