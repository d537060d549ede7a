/**
 * Named privilege-escalation facts, after the "Privilege escalation risks" section of the Kubernetes
 * "RBAC good practices" page. A fact is what a set of grants lets a subject do, per scope (cluster-wide or
 * one namespace), with the grants that do it; policy packs test facts by id, never raw rules.
 *
 * Rules are probed without resourceNames: `get secrets` limited to one name still reads that Secret, so
 * the fact holds, and the detail says which names.
 */
import type { PolicyRule } from '../inventory/kube-object.js';
import { apiGroupMatches, resourceMatches, verbMatches } from './rule-matching.js';
import type { Grant, RiskFact, RiskFactId } from './types.js';

interface Probe {
  readonly verbs: readonly string[];
  readonly apiGroup: string;
  /** `resource` or `resource/subresource`. */
  readonly resource: string;
}

interface FactDefinition {
  readonly id: RiskFactId;
  readonly summary: string;
  readonly probes: readonly Probe[];
  /** Cluster-scoped resources (nodes, CSRs, webhooks, PVs): RoleBindings can never grant them. */
  readonly clusterScoped?: boolean;
  /** Extra condition on a matching rule (a name that must be allowed, say). */
  readonly ruleFilter?: (rule: PolicyRule) => boolean;
}

const write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const read = ['get', 'list', 'watch'];
const rbac = 'rbac.authorization.k8s.io';
const probes = (verbs: readonly string[], apiGroup: string, resources: readonly string[]): Probe[] =>
  resources.map((resource) => ({ verbs, apiGroup, resource }));

/** Workloads whose controllers create pods from a template: creating one runs a pod as any SA of the namespace. */
export const podBearingResources: readonly (readonly [string, string])[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['extensions', 'deployments'],
  ['extensions', 'replicasets'],
  ['extensions', 'daemonsets'],
];

const names = (rule: PolicyRule) => rule.resourceNames ?? [];

export const factDefinitions: readonly FactDefinition[] = [
  { id: 'cluster-admin', summary: 'full wildcard (every verb on every resource of every group)', probes: [] },
  {
    id: 'system-masters',
    summary: 'can impersonate the group system:masters, which bypasses RBAC',
    probes: probes(['impersonate'], '', ['groups']),
    clusterScoped: true,
    ruleFilter: (rule) => names(rule).length === 0 || names(rule).includes('system:masters'),
  },
  { id: 'secrets-read', summary: 'can read Secrets (list and watch return their contents too)', probes: probes(read, '', ['secrets']) },
  {
    id: 'workload-create',
    summary: 'can create pods or pod-bearing workloads, so run as any ServiceAccount of the namespace and mount its Secrets and ConfigMaps',
    probes: podBearingResources.map(([apiGroup, resource]) => ({ verbs: ['create'], apiGroup, resource })),
  },
  {
    id: 'escalate',
    summary: 'can escalate roles (grant rights it does not hold)',
    probes: probes(['escalate'], rbac, ['roles', 'clusterroles']),
  },
  { id: 'bind', summary: 'can bind roles it does not hold', probes: probes(['bind'], rbac, ['roles', 'clusterroles']) },
  {
    id: 'impersonate',
    summary: 'can impersonate other identities',
    probes: [
      ...probes(['impersonate'], '', ['users', 'groups', 'serviceaccounts']),
      { verbs: ['impersonate'], apiGroup: 'authentication.k8s.io', resource: 'userextras/*' },
    ],
  },
  { id: 'token-create', summary: 'can create ServiceAccount tokens', probes: probes(['create'], '', ['serviceaccounts/token']) },
  {
    id: 'nodes-proxy',
    summary: 'can reach the kubelet API through nodes/proxy (any verb, get included)',
    probes: probes(['*any*'], '', ['nodes/proxy']),
    clusterScoped: true,
  },
  { id: 'csr-approve', summary: 'can approve CertificateSigningRequests', probes: [], clusterScoped: true },
  {
    id: 'webhook-write',
    summary: 'can write admission webhook configurations (intercept or alter every request)',
    probes: probes(write, 'admissionregistration.k8s.io', ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']),
    clusterScoped: true,
  },
  {
    id: 'pv-create',
    summary: 'can create PersistentVolumes (hostPath onto any node)',
    probes: probes(['create'], '', ['persistentvolumes']),
    clusterScoped: true,
  },
  {
    id: 'pod-exec',
    summary: 'can run commands in or attach to running pods',
    probes: [
      ...probes(['create', 'get'], '', ['pods/exec', 'pods/attach']),
      ...probes(['update', 'patch'], '', ['pods/ephemeralcontainers']),
    ],
  },
  {
    id: 'namespace-patch',
    summary: 'can modify namespaces (Pod Security labels)',
    probes: probes(['update', 'patch'], '', ['namespaces']),
  },
  {
    id: 'rbac-write',
    summary: 'can write RBAC objects',
    probes: probes(write, rbac, ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']),
  },
];

const anyVerb = '*any*';

function matchingVerbs(rule: PolicyRule, probe: Probe): string[] {
  if (probe.verbs.includes(anyVerb)) return (rule.verbs ?? []).length > 0 ? [...(rule.verbs ?? [])] : [];
  return probe.verbs.filter((verb) => verbMatches(rule, verb));
}

function probeMatches(rule: PolicyRule, probe: Probe): string[] {
  if (!apiGroupMatches(rule, probe.apiGroup)) return [];
  const slash = probe.resource.indexOf('/');
  const subresource = slash === -1 ? '' : probe.resource.slice(slash + 1);
  // userextras/<key> is any key: `*`, `*∕…` and `userextras/…` rules all reach some key.
  const resourceOk =
    subresource === '*'
      ? (rule.resources ?? []).some(
          (resource) => resource === '*' || resource.startsWith('*/') || resource.startsWith(probe.resource.slice(0, slash + 1)),
        )
      : resourceMatches(rule, probe.resource, subresource);
  return resourceOk ? matchingVerbs(rule, probe) : [];
}

export function isFullWildcard(rule: PolicyRule): boolean {
  return (rule.verbs ?? []).includes('*') && (rule.apiGroups ?? []).includes('*') && (rule.resources ?? []).includes('*');
}

interface ProbeMatch {
  readonly verbs: readonly string[];
  readonly resource: string;
}

/**
 * What one rule matches of every definition's probes, as (definition index, matches) pairs; most rules
 * match none. Grants share their role's rule objects (a role bound a thousand times is one set of rules),
 * so the probing is done once per rule, not once per grant and definition.
 */
const matchCache = new WeakMap<PolicyRule, readonly (readonly [number, readonly ProbeMatch[]])[]>();
function ruleMatches(rule: PolicyRule): readonly (readonly [number, readonly ProbeMatch[]])[] {
  let cached = matchCache.get(rule);
  if (!cached) {
    const found: (readonly [number, readonly ProbeMatch[]])[] = [];
    factDefinitions.forEach((definition, index) => {
      if (definition.ruleFilter && !definition.ruleFilter(rule)) return;
      const matches: ProbeMatch[] = [];
      if (definition.id === 'cluster-admin') {
        if (isFullWildcard(rule)) matches.push({ verbs: ['*'], resource: '*.*' });
      }
      for (const probe of definition.probes) {
        const verbs = probeMatches(rule, probe);
        if (verbs.length > 0)
          matches.push({ verbs, resource: probe.apiGroup === '' ? probe.resource : `${probe.resource}.${probe.apiGroup}` });
      }
      if (matches.length > 0) found.push([index, matches]);
    });
    cached = found;
    matchCache.set(rule, cached);
  }
  return cached;
}

interface Found {
  grants: Grant[];
  /** Membership for `grants`: a subject with tens of thousands of grants must not pay a linear search each. */
  seen: Set<Grant>;
  verbs: Set<string>;
  resources: Set<string>;
  names: Set<string>;
  limitedToNames: boolean;
}

/** The facts a subject's grants establish, ordered by fact id (definition order), cluster-wide first. */
export function riskFactsOf(grants: readonly Grant[]): RiskFact[] {
  // One pass over the grants, each rule's matches looked up once; then the facts in definition order.
  const byDefinition = factDefinitions.map(() => new Map<string, Found>());
  const noteIn = (byScope: Map<string, Found>) => (grant: Grant, verbs: readonly string[], resource: string) => {
    const scope = grant.namespace ?? '';
    let found = byScope.get(scope);
    if (!found) {
      found = { grants: [], seen: new Set(), verbs: new Set(), resources: new Set(), names: new Set(), limitedToNames: true };
      byScope.set(scope, found);
    }
    if (!found.seen.has(grant)) {
      found.seen.add(grant);
      found.grants.push(grant);
    }
    for (const verb of verbs) found.verbs.add(verb);
    found.resources.add(resource);
    const ruleNames = names(grant.rule);
    if (ruleNames.length === 0) found.limitedToNames = false;
    for (const name of ruleNames) found.names.add(name);
  };
  const notes = byDefinition.map(noteIn);
  for (const grant of grants) {
    for (const [index, matches] of ruleMatches(grant.rule)) {
      if (factDefinitions[index]?.clusterScoped && grant.namespace !== undefined) continue;
      const note = notes[index];
      if (note) for (const match of matches) note(grant, match.verbs, match.resource);
    }
  }
  const csrIndex = factDefinitions.findIndex((definition) => definition.id === 'csr-approve');
  const csrScopes = byDefinition[csrIndex];
  const csrNote = notes[csrIndex];
  if (csrScopes && csrNote) collectCsrApproval(grants, csrNote, csrScopes);

  const facts: RiskFact[] = [];
  factDefinitions.forEach((definition, index) => {
    const byScope = byDefinition[index] ?? new Map<string, Found>();
    for (const scope of [...byScope.keys()].sort()) {
      const found = byScope.get(scope);
      if (!found) continue;
      const where = scope === '' ? 'cluster-wide' : `in namespace ${scope}`;
      const limited = found.limitedToNames && found.names.size > 0 ? ` (only ${[...found.names].sort().join(', ')})` : '';
      const detail = `${definition.summary}: ${[...found.verbs].sort().join(', ')} on ${[...found.resources].join(', ')}${limited} ${where}`;
      facts.push({ id: definition.id, ...(scope === '' ? {} : { namespace: scope }), detail, grants: found.grants });
    }
  });
  return facts;
}

/** Whether cluster-wide grants hold each half of CSR approval (an SA may get the halves from different bindings). */
export function csrApprovalParts(grants: readonly Grant[]): { approval: boolean; signer: boolean } {
  const clusterWide = grants.filter((grant) => grant.namespace === undefined);
  return {
    approval: clusterWide.some((grant) => probeMatches(grant.rule, csrApproval).length > 0),
    signer: clusterWide.some((grant) => probeMatches(grant.rule, csrSigners).length > 0),
  };
}

const csrApproval: Probe = { verbs: ['update', 'patch'], apiGroup: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval' };
const csrSigners: Probe = { verbs: ['approve'], apiGroup: 'certificates.k8s.io', resource: 'signers' };

/** Approving needs both halves: update the approval subresource and `approve` on some signer. */
function collectCsrApproval(
  grants: readonly Grant[],
  note: (grant: Grant, verbs: readonly string[], resource: string) => void,
  byScope: Map<string, Found>,
): void {
  const approval = csrApproval;
  const signers = csrSigners;
  const clusterWide = grants.filter((grant) => grant.namespace === undefined);
  const approvalGrants = clusterWide.filter((grant) => probeMatches(grant.rule, approval).length > 0);
  const signerGrants = clusterWide.filter((grant) => probeMatches(grant.rule, signers).length > 0);
  if (approvalGrants.length === 0 || signerGrants.length === 0) return;
  for (const grant of approvalGrants)
    note(grant, probeMatches(grant.rule, approval), 'certificatesigningrequests/approval.certificates.k8s.io');
  for (const grant of signerGrants) note(grant, ['approve'], 'signers.certificates.k8s.io');
  // The signer names limit which certificates, not whether approval is possible: keep the fact unqualified.
  const found = byScope.get('');
  if (found) found.limitedToNames = false;
}
