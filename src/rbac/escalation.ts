/**
 * Escalation paths: which other ServiceAccounts a subject can act as, directly or over several hops, and
 * what it gains there. The edges are the facts that hand over another identity:
 *  - workload-create in a namespace → every ServiceAccount of that namespace (a pod may name any of them);
 *  - token-create → the named ServiceAccounts (all of the namespace without resourceNames);
 *  - impersonate on serviceaccounts, or on users named `system:serviceaccount:…` (or any user).
 *
 * Scale: a cluster-wide "create pods" edge reaches every ServiceAccount, and each of those needs its facts.
 * An SA's rights are the union of what its username and its three groups are bound to, and the groups are
 * shared, so facts are summarised per subject key once and unioned per SA; each namespace (and "all") is
 * expanded at most once per walk.
 */
import { serviceAccountUserPrefix, serviceAccountUsername, type RbacModel, type RoleRecord } from './rbac-model.js';
import { apiGroupMatches, resourceMatches, verbMatches } from './rule-matching.js';
import { csrApprovalParts, riskFactsOf } from './risk-facts.js';
import type { BindingRefView, EscalationPath, Grant, RiskFact, RiskFactId, SubjectRef } from './types.js';

/** One way to reach other ServiceAccounts. `names` undefined: every name in scope. */
interface Edge {
  readonly via: RiskFactId;
  readonly namespace: string | undefined;
  readonly names: ReadonlySet<string> | undefined;
  /** Names are usernames (`system:serviceaccount:NS:NAME`), from impersonating users. */
  readonly byUsername: boolean;
}

interface FactSummary {
  /** `id@namespace`, `id@*` for cluster-wide. */
  readonly keys: ReadonlySet<string>;
  readonly edges: readonly Edge[];
  readonly csrApproval: boolean;
  readonly csrSigner: boolean;
}

const factKey = (fact: Pick<RiskFact, 'id' | 'namespace'>) => `${fact.id}@${fact.namespace ?? '*'}`;

export function edgesOf(facts: readonly RiskFact[]): Edge[] {
  const edges: Edge[] = [];
  for (const fact of facts) {
    if (fact.id === 'workload-create') edges.push({ via: fact.id, namespace: fact.namespace, names: undefined, byUsername: false });
    if (fact.id === 'token-create') edges.push({ via: fact.id, namespace: fact.namespace, names: namesOf(fact.grants), byUsername: false });
    if (fact.id === 'impersonate') {
      const onServiceAccounts = fact.grants.filter((grant) => impersonates(grant, 'serviceaccounts'));
      if (onServiceAccounts.length > 0)
        edges.push({ via: fact.id, namespace: fact.namespace, names: namesOf(onServiceAccounts), byUsername: false });
      const onUsers = fact.grants.filter((grant) => grant.namespace === undefined && impersonates(grant, 'users'));
      if (onUsers.length > 0) edges.push({ via: fact.id, namespace: undefined, names: namesOf(onUsers), byUsername: true });
    }
  }
  return edges;
}

function impersonates(grant: Grant, resource: string): boolean {
  return verbMatches(grant.rule, 'impersonate') && apiGroupMatches(grant.rule, '') && resourceMatches(grant.rule, resource, '');
}

/** The names the grants allow, or undefined when one of them allows every name. */
function namesOf(grants: readonly Grant[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const grant of grants) {
    const listed = grant.rule.resourceNames ?? [];
    if (listed.length === 0) return undefined;
    for (const name of listed) names.add(name);
  }
  return names;
}

interface ModelIndex {
  readonly byKey: Map<string, FactSummary>;
  readonly byNamespace: Map<string, SubjectRef[]>;
  readonly byName: Map<string, SubjectRef[]>;
  readonly byUsername: Map<string, SubjectRef>;
}
const indexes = new WeakMap<RbacModel, ModelIndex>();

function indexOf(model: RbacModel): ModelIndex {
  let index = indexes.get(model);
  if (!index) {
    const byNamespace = new Map<string, SubjectRef[]>();
    const byName = new Map<string, SubjectRef[]>();
    const byUsername = new Map<string, SubjectRef>();
    for (const sa of model.serviceAccounts) {
      const namespace = sa.namespace ?? '';
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), sa]);
      byName.set(sa.name, [...(byName.get(sa.name) ?? []), sa]);
      byUsername.set(serviceAccountUsername(namespace, sa.name), sa);
    }
    index = { byKey: new Map(), byNamespace, byName, byUsername };
    indexes.set(model, index);
  }
  return index;
}

/**
 * The facts and edges one role hands out through one kind of binding (cluster-wide, or in some namespace),
 * computed once per role: thousands of bindings to the same role cost one lookup each. The namespace of a
 * RoleBinding variant is a placeholder, replaced by the binding's own when the profile is used.
 */
interface RoleProfile {
  readonly ids: readonly RiskFactId[];
  readonly edges: readonly Edge[];
  readonly csrApproval: boolean;
  readonly csrSigner: boolean;
}
const placeholderNamespace = '\u0000namespace';
const roleProfiles = new WeakMap<RoleRecord, { cluster?: RoleProfile; namespaced?: RoleProfile }>();

function roleProfile(role: RoleRecord, clusterWide: boolean): RoleProfile {
  let entry = roleProfiles.get(role);
  if (!entry) {
    entry = {};
    roleProfiles.set(role, entry);
  }
  const cached = clusterWide ? entry.cluster : entry.namespaced;
  if (cached) return cached;
  const via: SubjectRef = { kind: 'Group', name: '' };
  const binding: BindingRefView = clusterWide
    ? { kind: 'ClusterRoleBinding', name: '' }
    : { kind: 'RoleBinding', name: '', namespace: placeholderNamespace };
  const grants: Grant[] = role.rules.map((rule) => ({
    rule,
    role: role.view,
    binding,
    ...(clusterWide ? {} : { namespace: placeholderNamespace }),
    via,
    defaultRbac: role.defaultRbac,
  }));
  const facts = riskFactsOf(grants);
  const parts = csrApprovalParts(grants);
  const profile: RoleProfile = {
    ids: [...new Set(facts.map((fact) => fact.id))],
    edges: edgesOf(facts),
    csrApproval: parts.approval,
    csrSigner: parts.signer,
  };
  if (clusterWide) entry.cluster = profile;
  else entry.namespaced = profile;
  return profile;
}

/** What the bindings naming one subject key (a username or a group) grant, in every namespace. */
function keySummary(model: RbacModel, key: string): FactSummary {
  const index = indexOf(model);
  let summary = index.byKey.get(key);
  if (!summary) {
    const keys = new Set<string>();
    const edges = new Map<string, Edge>();
    let csrApproval = false;
    let csrSigner = false;
    for (const binding of model.bindingsBySubject.get(key) ?? []) {
      if (!binding.role) continue;
      const profile = roleProfile(binding.role, binding.namespace === undefined);
      for (const id of profile.ids) keys.add(`${id}@${binding.namespace ?? '*'}`);
      for (const edge of profile.edges) {
        const placed: Edge = edge.namespace === undefined ? edge : { ...edge, namespace: binding.namespace };
        const edgeKey = `${placed.via}|${placed.namespace ?? '*'}|${String(placed.byUsername)}|${placed.names ? [...placed.names].sort().join(',') : '*'}`;
        if (!edges.has(edgeKey)) edges.set(edgeKey, placed);
      }
      csrApproval ||= profile.csrApproval;
      csrSigner ||= profile.csrSigner;
    }
    // A key may hold the two halves of CSR approval through different bindings.
    if (csrApproval && csrSigner) keys.add('csr-approve@*');
    summary = { keys, edges: [...edges.values()], csrApproval, csrSigner };
    index.byKey.set(key, summary);
  }
  return summary;
}

/** The union over the SA's username and its groups; csr-approve may need halves from different bindings. */
function serviceAccountSummary(model: RbacModel, sa: SubjectRef): FactSummary {
  const namespace = sa.namespace ?? '';
  const parts = [
    `u:${serviceAccountUsername(namespace, sa.name)}`,
    'g:system:serviceaccounts',
    `g:system:serviceaccounts:${namespace}`,
    'g:system:authenticated',
  ].map((key) => keySummary(model, key));
  const keys = new Set(parts.flatMap((part) => [...part.keys]));
  const csrApproval = parts.some((part) => part.csrApproval);
  const csrSigner = parts.some((part) => part.csrSigner);
  if (csrApproval && csrSigner) keys.add('csr-approve@*');
  return { keys, edges: parts.flatMap((part) => part.edges), csrApproval, csrSigner };
}

/** Holding either, a target can do everything: nothing reached through it can add more. */
const everything = ['cluster-admin@*', 'system-masters@*'];

/**
 * Breadth-first over the targets, so each path is a shortest one. A target is reported when it holds a fact
 * the source does not (a cluster-wide fact is new even if the source has it in some namespace); targets
 * that add nothing are still walked through, since they may lead further. A target that can do everything
 * (cluster-admin, system:masters) ends its path: every SA beyond it is reachable but adds nothing to it.
 * Each edge is followed once (the first time is the shortest), which matters because every SA brings the
 * edges of the groups all SAs share.
 */
export function escalationPaths(model: RbacModel, source: SubjectRef, sourceFacts: readonly RiskFact[]): EscalationPath[] {
  const index = indexOf(model);
  const held = new Set(sourceFacts.map(factKey));
  const gainedIds = (summary: FactSummary) => {
    const ids: RiskFactId[] = [];
    for (const key of summary.keys) {
      const id = key.slice(0, key.indexOf('@')) as RiskFactId;
      if (!held.has(key) && !held.has(`${id}@*`) && !ids.includes(id)) ids.push(id);
    }
    return ids;
  };

  const paths: EscalationPath[] = [];
  const visited = new Set<SubjectRef>();
  const followed = new Set<Edge>();
  const sourceRef = index.byUsername.get(serviceAccountUsername(source.namespace ?? '', source.name));
  if (sourceRef) visited.add(sourceRef);
  let expandedAll = false;
  const expandedNamespaces = new Set<string>();

  type Node = { readonly hops: EscalationPath['hops']; readonly edges: readonly Edge[] };
  let frontier: Node[] = [{ hops: [], edges: edgesOf(sourceFacts) }];
  while (frontier.length > 0) {
    const next: Node[] = [];
    const reach = (to: SubjectRef | undefined, edge: Edge, from: Node) => {
      if (!to || visited.has(to)) return;
      if (to.namespace === source.namespace && to.name === source.name) return;
      visited.add(to);
      const summary = serviceAccountSummary(model, to);
      const hops = [...from.hops, { via: edge.via, ...(edge.namespace === undefined ? {} : { namespace: edge.namespace }), to }];
      const targetFacts = gainedIds(summary);
      if (targetFacts.length > 0) paths.push({ target: to, hops, targetFacts });
      if (!everything.some((key) => summary.keys.has(key))) next.push({ hops, edges: summary.edges });
    };
    for (const node of frontier) {
      for (const edge of node.edges) {
        if (followed.has(edge)) continue;
        followed.add(edge);
        if (edge.names === undefined) {
          if (expandedAll) continue;
          if (edge.namespace === undefined) {
            expandedAll = true;
            for (const sa of model.serviceAccounts) reach(sa, edge, node);
          } else if (!expandedNamespaces.has(edge.namespace)) {
            expandedNamespaces.add(edge.namespace);
            for (const sa of index.byNamespace.get(edge.namespace) ?? []) reach(sa, edge, node);
          }
          continue;
        }
        for (const name of edge.names) {
          if (edge.byUsername) {
            if (name.startsWith(serviceAccountUserPrefix)) reach(index.byUsername.get(name), edge, node);
          } else if (edge.namespace === undefined) {
            for (const sa of index.byName.get(name) ?? []) reach(sa, edge, node);
          } else {
            reach(index.byUsername.get(serviceAccountUsername(edge.namespace, name)), edge, node);
          }
        }
      }
    }
    frontier = next;
  }
  return paths;
}
