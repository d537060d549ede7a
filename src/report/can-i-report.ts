import type { PolicyRule } from '../inventory/kube-object.js';
import type { Grant, RequestAttributes, SubjectRef, UnreadRbac } from '../rbac/types.js';
import { describeUnread } from '../rbac/unread-rbac.js';
import { formatList } from './grant-format.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/** The documented `kubectl sa can-i -o json` shape (docs/output-formats.md). */
export interface CanIReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'AccessCheck';
  readonly subject: { readonly user: string; readonly groups: readonly string[]; readonly serviceAccount: SubjectRef | null };
  readonly request: RequestAttributes;
  /** True only when a grant was found: false for `unknown` too. */
  readonly allowed: boolean;
  /** `unknown`: nothing read allows it, and RBAC objects that could (`unread`) were not read. */
  readonly answer: 'yes' | 'no' | 'unknown';
  readonly reason: string;
  readonly grants: readonly Grant[];
  /** What could allow it and was not read; empty for yes and no. */
  readonly unread: readonly UnreadRbac[];
  readonly defaultRbac: string | null;
}

/** `yes`/`no` on one line, as `kubectl auth can-i` prints it, or `unknown` with what was not read. */
export const canIPrinters = definePrinters<CanIReport>({
  document: (report) => report,
  table: (report) =>
    report.answer === 'unknown' ? `unknown: could not read ${report.unread.map(describeUnread).join(', ')}\n` : `${report.answer}\n`,
});

/** The documented `kubectl sa can-i --list -o json` shape. */
export interface RuleListReport {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'RuleList';
  readonly subject: { readonly user: string; readonly groups: readonly string[] };
  /** `` when only cluster-wide grants count (-A). */
  readonly namespace: string;
  readonly grants: readonly Grant[];
  /** False when RBAC objects that could grant more were not read (`unread`): the list may be short. */
  readonly complete: boolean;
  readonly unread: readonly UnreadRbac[];
}

/**
 * `kubectl auth can-i --list`'s table, by kubectl's own steps (pkg/cmd/auth/cani.go): every rule broken
 * down to one group, resource, name and verb (BreakdownRule); resource rows with the same group, resource
 * and name merged, their verbs in order of appearance (CompactRules); one row per URL and verb; sorted by
 * the rule's Go string (`Verbs:[…],APIGroups:[…],…`, SortableRuleSlice), so rows run by verbs first.
 * Unlike kubectl, rows and verbs that several grants repeat are shown once.
 */
export const ruleListPrinters = definePrinters<RuleListReport>({
  document: (report) => report,
  table: (report, context) =>
    renderTable(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], kubectlRuleRows(report.grants.map((grant) => grant.rule)), {
      headers: context.noHeaders ? 'none' : 'as-is',
    }),
});

interface CompactRule {
  readonly group: string;
  readonly resource: string;
  readonly name: string | undefined;
  readonly url: string | undefined;
  readonly verbs: string[];
}

export function kubectlRuleRows(rules: readonly PolicyRule[]): string[][] {
  const compact = new Map<string, CompactRule>();
  const add = (key: string, make: () => Omit<CompactRule, 'verbs'>, verb: string) => {
    let rule = compact.get(key);
    if (!rule) {
      rule = { ...make(), verbs: [] };
      compact.set(key, rule);
    }
    if (!rule.verbs.includes(verb)) rule.verbs.push(verb);
  };
  for (const rule of rules) {
    const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames ?? []) : [undefined];
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs ?? []) {
          for (const name of names)
            add(`r\u0000${group}\u0000${resource}\u0000${name ?? '\u0001'}`, () => ({ group, resource, name, url: undefined }), verb);
        }
      }
    }
    // A URL row is never compacted: each URL and verb stays a rule of its own, as in kubectl.
    for (const url of rule.nonResourceURLs ?? []) {
      for (const verb of rule.verbs ?? [])
        add(`u\u0000${url}\u0000${verb}`, () => ({ group: '', resource: '', name: undefined, url }), verb);
    }
  }
  const goString = (rule: CompactRule) =>
    rule.url === undefined
      ? `Verbs:[${rule.verbs.join(' ')}],APIGroups:[${rule.group}],Resources:[${rule.resource}],ResourceNames:[${rule.name ?? ''}],NonResourceURLs:[],}`
      : `Verbs:[${rule.verbs.join(' ')}],APIGroups:[],Resources:[],ResourceNames:[],NonResourceURLs:[${rule.url}],}`;
  const sorted = [...compact.values()]
    .map((rule) => ({ rule, key: goString(rule) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sorted.map(({ rule }) => [
    rule.url === undefined ? combineResourceGroup(rule.resource, rule.group) : '',
    rule.url === undefined ? '[]' : `[${rule.url}]`,
    rule.name === undefined ? '[]' : `[${rule.name}]`,
    formatList(rule.verbs),
  ]);
}

/** kubectl's describe.CombineResourceGroup: `deployments.apps/scale`, the group before the subresource. */
function combineResourceGroup(resource: string, group: string): string {
  const slash = resource.indexOf('/');
  const base = slash === -1 ? resource : resource.slice(0, slash);
  const withGroup = group === '' ? base : `${base}.${group}`;
  return slash === -1 ? withGroup : `${withGroup}/${resource.slice(slash + 1)}`;
}
