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
import { grantOf } from './authorize.js';
import { serviceAccountUserPrefix, serviceAccountUsername, subjectIndexKey, type RbacModel } from './rbac-model.js';
import { apiGroupMatches, resourceMatches, verbMatches } from './rule-matching.js';
import { csrApprovalParts, riskFactsOf } from './risk-facts.js';
import type { EscalationPath, Grant, RiskFact, RiskFactId, SubjectRef } from './types.js';

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
      if (onServiceAccounts.length > 0) edges.push({ via: fact.id, namespace: fact.namespace, names: namesOf(onServiceAccounts), byUsername: false });
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

function summarize(facts: readonly RiskFact[], grants: readonly Grant[]): FactSummary {
  const parts = csrApprovalParts(grants);
  return { keys: new Set(facts.map(factKey)), edges: edgesOf(facts), csrApproval: parts.approval, csrSigner: parts.signer };
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

/** What the bindings naming one subject key (a username or a group) grant, in every namespace. */
function keySummary(model: RbacModel, key: string): FactSummary {
  const index = indexOf(model);
  let summary = index.byKey.get(key);
  if (!summary) {
    const grants: Grant[] = [];
    for (const binding of model.bindingsBySubject.get(key) ?? []) {
      const via = binding.subjects.find((subject) => subjectIndexKey(subject) === key);
      if (!binding.role || !via) continue;
      for (const rule of binding.role.rules) grants.push(grantOf(binding, rule, via));
    }
    summary = summarize(riskFactsOf(grants), grants);
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

/**
 * Breadth-first over the targets, so each path is a shortest one. A target is reported when it holds a fact
 * the source does not (a cluster-wide fact is new even if the source has it in some namespace); targets
 * that add nothing are still walked through, since they may lead further.
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
  const sourceRef = index.byUsername.get(serviceAccountUsername(source.namespace ?? '', source.name));
  if (sourceRef) visited.add(sourceRef);
  let expandedAll = false;
  const expandedNamespaces = new Set<string>();

  type Node = { readonly hops: EscalationPath['hops']; readonly edges: readonly Edge[] };
  let frontier: Node[] = [{ hops: [], edges: edgesOf(sourceFacts) }];
  while (frontier.length > 0) {
    const next: Node[] = [];
    const reach = (to: SubjectRef | undefined, via: RiskFactId, from: Node) => {
      if (!to || visited.has(to)) return;
      if (to.namespace === source.namespace && to.name === source.name) return;
      visited.add(to);
      const summary = serviceAccountSummary(model, to);
      const hops = [...from.hops, { via, to }];
      const targetFacts = gainedIds(summary);
      if (targetFacts.length > 0) paths.push({ target: to, hops, targetFacts });
      next.push({ hops, edges: summary.edges });
    };
    for (const node of frontier) {
      for (const edge of node.edges) {
        if (edge.names === undefined) {
          if (expandedAll) continue;
          if (edge.namespace === undefined) {
            expandedAll = true;
            for (const sa of model.serviceAccounts) reach(sa, edge.via, node);
          } else if (!expandedNamespaces.has(edge.namespace)) {
            expandedNamespaces.add(edge.namespace);
            for (const sa of index.byNamespace.get(edge.namespace) ?? []) reach(sa, edge.via, node);
          }
          continue;
        }
        for (const name of edge.names) {
          if (edge.byUsername) {
            if (name.startsWith(serviceAccountUserPrefix)) reach(index.byUsername.get(name), edge.via, node);
          } else if (edge.namespace === undefined) {
            for (const sa of index.byName.get(name) ?? []) reach(sa, edge.via, node);
          } else {
            reach(index.byUsername.get(serviceAccountUsername(edge.namespace, name)), edge.via, node);
          }
        }
      }
    }
    frontier = next;
  }
  return paths;
}
