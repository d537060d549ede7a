/**
 * Turns a set of permissions into few, sorted PolicyRules — the one compaction both `role generate`
 * forms use, so the same input always gives byte-identical rules:
 *
 * 1. a permission another one already allows is dropped (a named `get` under an unnamed `get`, anything
 *    under a `*`, a namespace's permission under the same cluster-wide one);
 * 2. verbs that share group, resource and names become one rule; resources that share group, verbs and
 *    names join it; groups that share all the rest join too (audit2rbac's merge, made deterministic);
 * 3. arrays are sorted (verbs in kubectl's reads-then-writes order), rules by group, resource, names.
 *
 * Merging never widens: every rule allows exactly the union of the permissions merged into it, because
 * only permissions with identical name sets are merged across verbs and resources.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import { compareVerbs, permissionKey, ruleCovers, ruleOfPermission, type Permission, type Provenance } from './permission.js';

export interface PermissionEntry {
  readonly permission: Permission;
  /** Absent for permissions typed on the command line. */
  readonly provenance?: Provenance;
}

export interface CompactedRule {
  /** A namespace, or `` for cluster-wide. */
  readonly scope: string;
  readonly rule: PolicyRule;
  /** The requests behind the rule's permissions, merged; absent when none had any. */
  readonly provenance?: Provenance;
}

export function compactPermissions(entries: readonly PermissionEntry[]): CompactedRule[] {
  const merged = mergeDuplicates(entries);
  const kept = dropCovered(merged);
  const byScope = new Map<string, PermissionEntry[]>();
  for (const entry of kept) {
    const list = byScope.get(entry.permission.scope);
    if (list) list.push(entry);
    else byScope.set(entry.permission.scope, [entry]);
  }
  const rules: CompactedRule[] = [];
  for (const scope of [...byScope.keys()].sort(compareText)) {
    const scoped = byScope.get(scope) ?? [];
    rules.push(
      ...resourceRules(
        scope,
        scoped.filter((entry) => entry.permission.nonResourceURL === ''),
      ),
    );
    rules.push(
      ...nonResourceRules(
        scope,
        scoped.filter((entry) => entry.permission.nonResourceURL !== ''),
      ),
    );
  }
  return rules;
}

function mergeDuplicates(entries: readonly PermissionEntry[]): PermissionEntry[] {
  const byKey = new Map<string, PermissionEntry>();
  for (const entry of entries) {
    const key = permissionKey(entry.permission);
    const existing = byKey.get(key);
    byKey.set(key, existing ? { permission: entry.permission, ...mergedProvenance([existing, entry]) } : entry);
  }
  return [...byKey.values()];
}

/**
 * Drops permissions another kept permission allows, folding their provenance into it. Candidates that
 * can cover are those with a wildcard, an unnamed twin, or the same permission cluster-wide: looked up
 * directly rather than compared pairwise, so thousands of named permissions stay cheap.
 */
function dropCovered(entries: readonly PermissionEntry[]): PermissionEntry[] {
  const byKey = new Map(entries.map((entry) => [permissionKey(entry.permission), entry]));
  const wildcards = entries.filter((entry) => isWildcard(entry.permission));
  const coverOf = (permission: Permission): PermissionEntry | undefined => {
    const twins: Permission[] = [];
    if (permission.name !== '') twins.push({ ...permission, name: '' });
    if (permission.scope !== '' && permission.nonResourceURL === '') {
      twins.push({ ...permission, scope: '' });
      if (permission.name !== '') twins.push({ ...permission, scope: '', name: '' });
    }
    for (const twin of twins) {
      const found = byKey.get(permissionKey(twin));
      if (found) return found;
    }
    return wildcards.find(
      (candidate) =>
        candidate.permission !== permission &&
        (candidate.permission.scope === '' || candidate.permission.scope === permission.scope) &&
        ruleCovers(ruleOfPermission(candidate.permission), permission) &&
        !ruleCovers(ruleOfPermission(permission), candidate.permission),
    );
  };
  // Resolve chains (named → unnamed → cluster-wide) to the permission that survives.
  const survivor = (entry: PermissionEntry): PermissionEntry => {
    let current = entry;
    for (let hops = 0; hops < 4; hops++) {
      const cover = coverOf(current.permission);
      if (!cover) return current;
      current = cover;
    }
    return current;
  };
  const folded = new Map<PermissionEntry, PermissionEntry[]>();
  for (const entry of entries) {
    const target = survivor(entry);
    const list = folded.get(target);
    if (list) list.push(entry);
    else folded.set(target, [entry]);
  }
  return [...folded].map(([target, sources]) => ({ permission: target.permission, ...mergedProvenance(sources) }));
}

function isWildcard(permission: Permission): boolean {
  return (
    permission.verb === '*' ||
    permission.apiGroup === '*' ||
    permission.resource === '*' ||
    permission.resource.startsWith('*/') ||
    permission.nonResourceURL.endsWith('*')
  );
}

interface Group {
  readonly entries: PermissionEntry[];
  readonly values: Set<string>;
}

/** Groups entries by a key, collecting one value per entry; deterministic (sorted keys). */
function groupBy<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  valueOf: (item: T) => string,
  entriesOf: (item: T) => readonly PermissionEntry[],
): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const key = keyOf(item);
    let group = groups.get(key);
    if (!group) {
      group = { entries: [], values: new Set() };
      groups.set(key, group);
    }
    group.values.add(valueOf(item));
    group.entries.push(...entriesOf(item));
  }
  return new Map([...groups].sort(([a], [b]) => compareText(a, b)));
}

const separator = '\u0000';
/** Examples kept per rule; the comment above a rule shows the first three. */
const maxExamples = 10;

function resourceRules(scope: string, entries: readonly PermissionEntry[]): CompactedRule[] {
  // Names per (group, resource, verb): `` stands for "any name".
  const namesOf = new Map<string, { group: string; resource: string; verb: string; names: Set<string>; entries: PermissionEntry[] }>();
  for (const entry of entries) {
    const { apiGroup, resource, verb, name } = entry.permission;
    const key = [apiGroup, resource, verb].join(separator);
    let slot = namesOf.get(key);
    if (!slot) {
      slot = { group: apiGroup, resource, verb, names: new Set(), entries: [] };
      namesOf.set(key, slot);
    }
    slot.names.add(name);
    slot.entries.push(entry);
  }
  const slots = [...namesOf.values()].map((slot) => ({ ...slot, namesKey: [...slot.names].sort(compareText).join(separator) }));
  // Verbs sharing group, resource and names.
  const byResource = groupBy(
    slots,
    (slot) => [slot.group, slot.resource, slot.namesKey].join(separator),
    (slot) => slot.verb,
    (slot) => slot.entries,
  );
  const withVerbs = [...byResource].map(([key, group]) => {
    const [apiGroup = '', resource = '', ...names] = key.split(separator);
    const verbs = [...group.values].sort(compareVerbs);
    return { apiGroup, resource, namesKey: names.join(separator), verbsKey: verbs.join(separator), verbs, entries: group.entries };
  });
  // Resources sharing group, verbs and names.
  const byVerbs = groupBy(
    withVerbs,
    (item) => [item.apiGroup, item.verbsKey, item.namesKey].join('\u0001'),
    (item) => item.resource,
    (item) => item.entries,
  );
  const withResources = [...byVerbs].map(([key, group]) => {
    const [apiGroup = '', verbsKey = '', namesKey = ''] = key.split('\u0001');
    const resources = [...group.values].sort(compareText);
    return { apiGroup, verbsKey, namesKey, resourcesKey: resources.join(separator), resources, entries: group.entries };
  });
  // Groups sharing everything else.
  const byRest = groupBy(
    withResources,
    (item) => [item.resourcesKey, item.verbsKey, item.namesKey].join('\u0001'),
    (item) => item.apiGroup,
    (item) => item.entries,
  );
  const rules: CompactedRule[] = [...byRest].map(([key, group]) => {
    const [resourcesKey = '', verbsKey = '', namesKey = ''] = key.split('\u0001');
    const names = namesKey === '' ? [] : namesKey.split(separator).filter((name) => name !== '');
    const rule: PolicyRule = {
      apiGroups: [...group.values].sort(compareText),
      resources: resourcesKey.split(separator),
      ...(names.length === 0 ? {} : { resourceNames: names }),
      verbs: verbsKey.split(separator),
    };
    return { scope, rule, ...mergedProvenance(group.entries) };
  });
  return rules.sort((a, b) => compareRules(a.rule, b.rule));
}

function nonResourceRules(scope: string, entries: readonly PermissionEntry[]): CompactedRule[] {
  const verbsByUrl = groupBy(
    entries,
    (entry) => entry.permission.nonResourceURL,
    (entry) => entry.permission.verb,
    (entry) => [entry],
  );
  const byVerbs = groupBy(
    [...verbsByUrl].map(([url, group]) => ({
      url,
      verbsKey: [...group.values].sort(compareVerbs).join(separator),
      entries: group.entries,
    })),
    (item) => item.verbsKey,
    (item) => item.url,
    (item) => item.entries,
  );
  return [...byVerbs]
    .map(([verbsKey, group]) => ({
      scope,
      rule: { nonResourceURLs: [...group.values].sort(compareText), verbs: verbsKey.split(separator) },
      ...mergedProvenance(group.entries),
    }))
    .sort((a, b) => compareRules(a.rule, b.rule));
}

function compareRules(a: PolicyRule, b: PolicyRule): number {
  const text = (values: readonly string[] | undefined) => (values ?? []).join(',');
  return (
    compareText(text(a.apiGroups), text(b.apiGroups)) ||
    compareText(text(a.resources), text(b.resources)) ||
    compareText(text(a.nonResourceURLs), text(b.nonResourceURLs)) ||
    compareText(text(a.resourceNames), text(b.resourceNames)) ||
    compareText(text(a.verbs), text(b.verbs))
  );
}

/** The provenance of several entries together: counts summed, earliest first, latest last, top examples. */
function mergedProvenance(entries: readonly PermissionEntry[]): { provenance?: Provenance } {
  const withProvenance = entries.flatMap((entry) => (entry.provenance ? [entry.provenance] : []));
  if (withProvenance.length === 0) return {};
  let count = 0;
  let firstSeen = '';
  let lastSeen = '';
  const examples = new Map<string, number>();
  for (const provenance of withProvenance) {
    count += provenance.count;
    if (firstSeen === '' || Date.parse(provenance.firstSeen) < Date.parse(firstSeen)) firstSeen = provenance.firstSeen;
    if (lastSeen === '' || Date.parse(provenance.lastSeen) > Date.parse(lastSeen)) lastSeen = provenance.lastSeen;
    for (const example of provenance.examples) examples.set(example.text, (examples.get(example.text) ?? 0) + example.count);
  }
  const top = [...examples]
    .map(([text, exampleCount]) => ({ text, count: exampleCount }))
    .sort((a, b) => b.count - a.count || compareText(a.text, b.text))
    .slice(0, maxExamples);
  return { provenance: { count, firstSeen, lastSeen, examples: top } };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
