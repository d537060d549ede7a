/**
 * What the audit log says about one ServiceAccount, as the `usage` facts of the ServiceAccountProfile
 * policy target (schema: policies/targets/service-account-profile.schema.json). Present only when a scan
 * is given an audit log; built lazily, per ServiceAccount a rule reads.
 */
import { isSecretRead } from './usage-alerts.js';
import type { UsageJoiner } from './usage-join.js';
import type { SeenWindow, UsageAlertId } from './usage-types.js';

export interface ProfileUsage {
  /** The log's window: "unused" means no request between these. */
  readonly window: SeenWindow | null;
  readonly requests: number;
  readonly allowed: number;
  readonly denied: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** No request in the window (false when it cannot be told: created after the log ends). */
  readonly unused: boolean;
  readonly unknownBecause: string | null;
  /** Holds something beyond what every authenticated identity holds. */
  readonly holdsRights: boolean;
  readonly alerts: readonly UsageAlertId[];
  /** One sentence per alert, for messages. */
  readonly alertDetails: Readonly<Partial<Record<UsageAlertId, string>>>;
  /** get, list or watch of Secrets, allowed or denied. */
  readonly secretReads: number;
  /** list or watch of Secrets (every Secret of a namespace at once), allowed or denied. */
  readonly secretLists: number;
  /** Of those, the ones RBAC refused: an attempt, not a read. */
  readonly secretListsDenied: number;
  readonly rbacDenied: number;
  readonly legacyTokenUses: number;
  readonly legacyTokenSecrets: readonly string[];
  /** Grants no request used (wholly or in part), each with its binding and role. */
  readonly unusedGrants: readonly {
    readonly status: 'unused' | 'partly-used';
    readonly binding: string;
    readonly role: string;
    readonly scope: string;
    readonly neverUsed: readonly string[];
  }[];
  readonly unusedGrantCount: number;
  /** "RoleBinding/shop/cart → Role/shop/cart in shop: delete deployments.apps; …", for messages. */
  readonly unusedGrantSummary: string;
}

/** The `usage` facts of each ServiceAccount, computed when first asked for. */
export function profileUsageOf(joiner: UsageJoiner): (namespace: string, name: string) => ProfileUsage {
  const cache = new Map<string, ProfileUsage>();
  return (namespace, name) => {
    const key = `${namespace}/${name}`;
    let found = cache.get(key);
    if (!found) {
      found = build(joiner, namespace, name);
      cache.set(key, found);
    }
    return found;
  };
}

function build(joiner: UsageJoiner, namespace: string, name: string): ProfileUsage {
  const usage = joiner.usage(namespace, name);
  const joined = joiner.serviceAccount(namespace, name);
  const rows = usage?.requests ?? [];
  const secretRows = rows.filter(isSecretRead);
  const secretListRows = secretRows.filter((row) => row.verb !== 'get');
  const unusedGrants = joined.grants
    .filter((grant) => grant.status !== 'used')
    .map((grant) => ({
      status: grant.status === 'unused' ? ('unused' as const) : ('partly-used' as const),
      binding: refName(grant.binding),
      role: refName(grant.role),
      scope: grant.namespace ?? 'cluster-wide',
      neverUsed: grant.unusedPermissions,
    }));
  return {
    window: joiner.log.window,
    requests: usage?.count ?? 0,
    allowed: usage?.allowed ?? 0,
    denied: usage?.denied ?? 0,
    firstSeen: usage?.firstSeen ?? null,
    lastSeen: usage?.lastSeen ?? null,
    unused: joined.unused,
    unknownBecause: joined.unknownBecause,
    holdsRights: joined.holdsRights,
    alerts: (usage?.alerts ?? []).map((alert) => alert.id),
    alertDetails: Object.fromEntries((usage?.alerts ?? []).map((alert) => [alert.id, alert.detail])),
    secretReads: secretRows.reduce((total, row) => total + row.count, 0),
    secretLists: secretListRows.reduce((total, row) => total + row.count, 0),
    secretListsDenied: secretListRows.reduce((total, row) => total + row.denied, 0),
    rbacDenied: usage?.denied ?? 0,
    legacyTokenUses: (usage?.legacyTokens ?? []).reduce((total, token) => total + token.count, 0),
    legacyTokenSecrets: [...new Set((usage?.legacyTokens ?? []).flatMap((token) => (token.secret ? [token.secret] : [])))],
    unusedGrants,
    unusedGrantCount: unusedGrants.length,
    unusedGrantSummary: summarise(
      unusedGrants,
      joined.grants.map((grant) => `${refName(grant.binding)} → ${refName(grant.role)} (${grant.namespace ?? 'cluster-wide'})`),
    ),
  };
}

/**
 * One clause per binding and role: "RoleBinding/shop/idle → ClusterRole/edit (shop): none of its 27 rules
 * used", or "… (shop): never delete deployments.apps, list configmaps".
 */
function summarise(unused: ProfileUsage['unusedGrants'], heldKeys: readonly string[]): string {
  const groups = new Map<string, { unused: number; partly: number; never: Set<string> }>();
  for (const grant of unused) {
    const key = `${grant.binding} → ${grant.role} (${grant.scope})`;
    let group = groups.get(key);
    if (!group) {
      group = { unused: 0, partly: 0, never: new Set() };
      groups.set(key, group);
    }
    if (grant.status === 'unused') group.unused++;
    else group.partly++;
    for (const permission of grant.neverUsed) group.never.add(permission);
  }
  const clauses = [...groups].map(([key, group]) => {
    if (group.partly === 0 && group.unused === heldKeys.filter((held) => held === key).length)
      return `${key}: none of its ${group.unused} rule(s) used`;
    const never = [...group.never];
    return `${key}: never ${never.slice(0, 6).join(', ')}${never.length > 6 ? `, … (${never.length - 6} more)` : ''}`;
  });
  return clauses.slice(0, 4).join('; ') + (clauses.length > 4 ? `; and ${clauses.length - 4} more binding(s)` : '');
}

/** `RoleBinding/shop/cart`, `ClusterRole/view`: a binding or role as messages name it. */
function refName(ref: { readonly kind: string; readonly name: string; readonly namespace?: string }): string {
  return `${ref.kind}/${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}
