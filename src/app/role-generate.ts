/**
 * `kubectl sa role generate`: least-privilege Roles for one ServiceAccount, from the requests an audit
 * log shows it made (`--from-audit`) or from rules typed like kubectl create role's; optionally compared
 * with what it holds today. Returns data; prints nothing.
 */
import { buildInventory } from '../inventory/inventory.js';
import { authorize } from '../rbac/authorize.js';
import { buildRbacModel } from '../rbac/rbac-model.js';
import type { PermissionEntry } from '../role-generation/compact-rules.js';
import { expandVerbs } from '../role-generation/expand-verbs.js';
import { permissionOfRequest, permissionsFromUsage, type LeftOut } from '../usage/needed-permissions.js';
import { attributesOf } from '../role-generation/permission.js';
import { generateRoles, type GeneratedRoleSet } from '../role-generation/generate-roles.js';
import { diffRoles, type RoleDiff } from '../role-generation/rule-diff.js';
import { loadDefaultRbac } from '../sources/kube-data.js';
import type { RequestKey } from '../usage/observed-request.js';
import type { SeenWindow } from '../usage/usage-types.js';
import { rbacResources } from '../sources/cluster/read-cluster.js';
import { aggregateAuditLogs, type AuditLogOptions } from './audit-usage.js';
import type { Outcome, Warning } from './outcome.js';
import { modelWarnings, rbacModelFor, resourceTableFor } from './rbac-input.js';
import { readInput, type InputOptions } from './read-input.js';
import { permissionsOfSpecs, type RuleSpec } from './role-rules.js';

export interface RoleGenerateOptions {
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  readonly from:
    | { readonly kind: 'audit'; readonly auditLog: AuditLogOptions; readonly names: boolean }
    | { readonly kind: 'rules'; readonly rules: readonly RuleSpec[]; readonly namespace?: string | undefined }
    | { readonly kind: 'permissions'; readonly entries: readonly PermissionEntry[] };
  readonly expandVerbs?: boolean | undefined;
  readonly clusterWide?: boolean | undefined;
  readonly name?: string | undefined;
  /** `--diff`: what the ServiceAccount holds today is read from here (files or the live cluster). */
  readonly diff?: { readonly input: InputOptions; readonly defaultRbac: boolean } | undefined;
}

export interface AuditBasis {
  readonly files: readonly string[];
  readonly window: SeenWindow | null;
  /** Requests of this ServiceAccount in the log, and how many the roles were built from. */
  readonly requests: number;
  readonly used: number;
  readonly left: { readonly baseline: LeftOut; readonly denied: LeftOut };
  readonly namesOverflow: readonly string[];
  readonly secretNamesCollapsed: readonly string[];
}

export interface RoleGeneration {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'RoleGeneration';
  readonly generated: GeneratedRoleSet;
  /** Present for `--from-audit`. */
  readonly audit: AuditBasis | null;
  readonly diff: RoleDiff | null;
}

export async function generateRole(options: RoleGenerateOptions): Promise<Outcome<RoleGeneration>> {
  const warnings: Warning[] = [];
  // What it holds today first: a cluster that cannot be read fails before a large log is read for nothing.
  const loaded = options.diff ? await readInput(options.diff.input, { resources: rbacResources }) : undefined;
  const model = loaded && options.diff ? rbacModelFor(loaded.inventory, options.diff) : undefined;
  if (model) warnings.push(...modelWarnings(model));
  let entries: readonly PermissionEntry[];
  let audit: AuditBasis | null = null;
  if (options.from.kind === 'audit') {
    const { log, summary } = await aggregateAuditLogs(options.from.auditLog);
    const { namespace, name } = options.serviceAccount;
    const usage = log.serviceAccounts.find((account) => account.namespace === namespace && account.name === name);
    if (!usage) {
      warnings.push({
        message: `ServiceAccount ${namespace}/${name} made no request in the audit log (${log.requests} requests read): the roles are empty`,
      });
    }
    const isBaseline = baselineTest();
    const selection = usage
      ? permissionsFromUsage(usage, { names: options.from.names, isBaseline })
      : {
          entries: [],
          left: { baseline: { count: 0, examples: [] }, denied: { count: 0, examples: [] } },
          namesOverflow: [],
          secretNamesCollapsed: [],
        };
    for (const shape of selection.namesOverflow)
      warnings.push({ message: `${shape}: too many object names to list; the rule allows every object` });
    if (selection.secretNamesCollapsed.length > 0) {
      warnings.push({
        message: `the rules allow every Secret of their namespace, though only ${selection.secretNamesCollapsed.join(', ')} was read`,
        hint: '--names limits them to the Secrets named',
      });
    }
    for (const warning of summary.warnings) warnings.push({ message: warning });
    if (summary.badLines > 0) {
      const first = summary.badLineSamples[0];
      warnings.push({
        message: `${summary.badLines} line(s) of the audit log are not audit.k8s.io/v1 events and were skipped${first ? ` (first: ${first.file}:${first.line}: ${first.reason})` : ''}`,
      });
    }
    entries = selection.entries;
    audit = {
      files: summary.files.map((file) => file.name),
      window: log.window,
      requests: usage?.count ?? 0,
      used: selection.entries.reduce((total, entry) => total + (entry.provenance?.count ?? 0), 0),
      left: selection.left,
      namesOverflow: selection.namesOverflow,
      secretNamesCollapsed: selection.secretNamesCollapsed,
    };
  } else if (options.from.kind === 'rules') {
    const resources = await resourceTableFor(loaded?.inventory, loaded?.connection);
    const resolved = permissionsOfSpecs(options.from.rules, options.from.namespace ?? options.serviceAccount.namespace, resources);
    // kubectl's own words for types and scopes (`Warning: …`).
    for (const warning of resolved.warnings)
      if (!(options.clusterWide && warning.endsWith('by the ClusterRole'))) warnings.push({ message: warning, kubectl: true });
    entries = resolved.entries;
  } else {
    entries = options.from.entries;
  }
  const generated = generateRoles(options.expandVerbs ? expandVerbs(entries) : entries, {
    serviceAccount: options.serviceAccount,
    name: options.name,
    clusterWide: options.clusterWide,
  });
  return {
    data: {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'RoleGeneration',
      generated,
      audit,
      diff: model ? diffRoles(model, generated) : null,
    },
    notes: loaded?.inventory.notes ?? [],
    warnings,
  };
}

/**
 * Whether Kubernetes' default RBAC lets every authenticated identity make a request (discovery, /version,
 * self-subject reviews): such requests need no role. Asked of the shipped bootstrap policy with a
 * ServiceAccount identity no default binding names, so a kube-system controller's own rights never count.
 */
function baselineTest(): (request: RequestKey) => boolean {
  const model = buildRbacModel(buildInventory([], { defaultNamespace: 'default', origin: 'files' }), { defaultRbac: loadDefaultRbac() });
  const identity = {
    user: 'system:serviceaccount:kubectl-sa-probe:nobody',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:kubectl-sa-probe', 'system:authenticated'],
  };
  return (request) => authorize(model, { ...identity, ...attributesOf(permissionOfRequest(request, true)) }).allowed;
}
