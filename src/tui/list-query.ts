/**
 * The `/` filter and the `s` sort of the TUI's lists, pure. A filter is words, all of which must match:
 *  - `name:TEXT`  the name contains TEXT;
 *  - `rule:ID`    a finding's rule id starts with ID (`rule:RBAC` is every RBAC rule);
 *  - `sev:LEVEL`  a finding at LEVEL or more severe (as --fail-on reads a severity);
 *  - a bare word  matches any of the three: the name, a rule id, or a severity;
 *  - `!WORD`      negates any of the above.
 * Case never matters. Matching reads the rows' own fields, so a keystroke costs one pass over the list.
 */
import type { Finding } from '../policy/finding.js';
import { isSeverity, severities, severityRank, type Severity } from '../policy/pack-types.js';
import type { NamespaceRow, ServiceAccountRow } from './explorer-data.js';

/** What a filter word is checked against: the texts a name filter searches, and the findings. */
export interface Filterable {
  readonly names: readonly string[];
  readonly findings: readonly Finding[];
}

type Test = (item: Filterable) => boolean;

export function compileFilter(query: string): Test {
  const tests = filterWords(query).map(wordTest);
  return (item) => tests.every((test) => test(item));
}

/** A filter with no words: every item passes, and a list need not be walked to know it. */
export function isEmptyFilter(query: string): boolean {
  return filterWords(query).length === 0;
}

function filterWords(query: string): string[] {
  return query
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '' && word !== '!');
}

function wordTest(word: string): Test {
  if (word.startsWith('!')) {
    const inner = wordTest(word.slice(1));
    return (item) => !inner(item);
  }
  const colon = word.indexOf(':');
  const field = colon > 0 ? word.slice(0, colon) : '';
  const value = colon > 0 ? word.slice(colon + 1) : word;
  const byName: Test = (item) => item.names.some((name) => name.toLowerCase().includes(value));
  const byRule: Test = (item) => item.findings.some((finding) => finding.ruleId.toLowerCase().startsWith(value));
  const level = severityOf(value);
  const bySeverity: Test = (item) =>
    level !== undefined && item.findings.some((finding) => severityRank(finding.severity) <= severityRank(level));
  if (field === 'name') return byName;
  if (field === 'rule') return byRule;
  if (field === 'sev' || field === 'severity') return bySeverity;
  return (item) => byName(item) || byRule(item) || bySeverity(item);
}

/** `crit`, `med` and `info` are accepted as the badges print them. */
function severityOf(value: string): Severity | undefined {
  const aliases: Record<string, Severity> = { crit: 'critical', med: 'medium' };
  const severity = aliases[value] ?? value;
  return isSeverity(severity) ? severity : undefined;
}

export function serviceAccountFilterable(row: ServiceAccountRow, label: string): Filterable {
  return { names: [`${row.namespace}/${label}`], findings: row.findings };
}

export const serviceAccountSorts = ['risk', 'name', 'findings', 'become', 'workloads'] as const;
export type ServiceAccountSort = (typeof serviceAccountSorts)[number];
export const namespaceSorts = ['name', 'risk', 'findings', 'accounts'] as const;
export type NamespaceSort = (typeof namespaceSorts)[number];

const byName = (a: ServiceAccountRow, b: ServiceAccountRow) =>
  compareText(a.namespace, b.namespace) || Number(a.kind === 'other') - Number(b.kind === 'other') || compareText(a.name, b.name);
/**
 * The worst finding first. Among accounts equally bad at their worst, the one that can become the most other
 * ServiceAccounts in one step: its token is the bigger prize, and when it holds what the others reach through it
 * (a cluster-admin ServiceAccount vs. accounts that may create pods where it runs), fixing it first clears the
 * others' findings too. Then more findings at each severity, most severe first: one more high finding outweighs
 * any number of medium ones.
 */
const byRisk = (a: ServiceAccountRow, b: ServiceAccountRow) =>
  rankOf(a.worst) - rankOf(b.worst) || b.canBecome - a.canBecome || compareSeverityCounts(a.bySeverity, b.bySeverity);

/** Every order puts the more worrying first and breaks ties by namespace and name, so it is stable across reloads. */
const serviceAccountOrders: Record<ServiceAccountSort, (a: ServiceAccountRow, b: ServiceAccountRow) => number> = {
  risk: (a, b) => byRisk(a, b) || byName(a, b),
  name: byName,
  findings: (a, b) => b.findings.length - a.findings.length || byRisk(a, b) || byName(a, b),
  become: (a, b) => b.canBecome - a.canBecome || byRisk(a, b) || byName(a, b),
  workloads: (a, b) => b.workloads.length - a.workloads.length || byRisk(a, b) || byName(a, b),
};

export function sortServiceAccounts(rows: readonly ServiceAccountRow[], sort: ServiceAccountSort): ServiceAccountRow[] {
  return [...rows].sort(serviceAccountOrders[sort]);
}

const namespaceOrders: Record<NamespaceSort, (a: NamespaceRow, b: NamespaceRow) => number> = {
  name: () => 0,
  risk: (a, b) => compareSeverityCounts(a.bySeverity, b.bySeverity),
  findings: (a, b) => b.findings - a.findings,
  accounts: (a, b) => b.serviceAccounts - a.serviceAccounts,
};

/** "all namespaces" stays first and "(cluster-scoped)" last whatever the order; namespaces come sorted by name. */
export function sortNamespaces(rows: readonly NamespaceRow[], sort: NamespaceSort): NamespaceRow[] {
  const place = (row: NamespaceRow) => (row.kind === 'all' ? 0 : row.kind === 'namespace' ? 1 : 2);
  return [...rows].sort((a, b) => place(a) - place(b) || namespaceOrders[sort](a, b) || compareText(a.label, b.label));
}

export function nextSort<T extends string>(sorts: readonly T[], current: T): T {
  return sorts[(sorts.indexOf(current) + 1) % sorts.length] ?? current;
}

/** Negative when `a` has more findings at the first severity (most severe first) where the two differ. */
function compareSeverityCounts(a: Readonly<Record<Severity, number>>, b: Readonly<Record<Severity, number>>): number {
  for (const severity of severities) if (a[severity] !== b[severity]) return b[severity] - a[severity];
  return 0;
}

function rankOf(severity: Severity | undefined): number {
  return severity === undefined ? Number.MAX_SAFE_INTEGER : severityRank(severity);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
