import { describeEscalation } from '../rbac/escalation-text.js';
import type { EscalationPath, Grant, ServiceAccountRbac, UnreadRbac } from '../rbac/types.js';
import { formatBinding, formatList, formatRole, formatRuleTargets, formatScope, formatSubject, incompleteLine } from './grant-format.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/** The documented `kubectl sa permissions -o json` shape: the engine's ServiceAccountRbac with a header. */
export interface PermissionsReport extends ServiceAccountRbac {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'ServiceAccountPermissions';
  /** The Kubernetes version of the default RBAC included, null with --no-default-rbac. */
  readonly defaultRbac: string | null;
  /** False when the input has no such ServiceAccount object (its rights are shown all the same). */
  readonly found: boolean;
  /** False when RBAC objects that could grant it more were not read (`unread`): it may hold more than listed. */
  readonly complete: boolean;
  readonly unread: readonly UnreadRbac[];
}

/**
 * Like rolesum: rules grouped by the binding and role that grant them, with scope; then the risk facts and
 * the escalation paths ("can become kube-system:foo (via pod create in team), which holds cluster-admin").
 */
export const permissionsPrinters = definePrinters<PermissionsReport>({ document: (report) => report, table: renderPermissionsTable });

function renderPermissionsTable(report: PermissionsReport): string {
  return [
    `ServiceAccount ${report.subject.namespace ?? ''}:${report.subject.name}${report.found ? '' : ' (not in the input)'}\n`,
    renderRules(report),
    report.facts.length > 0 ? `\nRisk facts:\n${renderFacts(report)}` : '',
    renderEscalations(report),
    report.baselineOnly && report.complete
      ? "\nOnly Kubernetes' default RBAC applies: nothing beyond what every authenticated identity holds.\n"
      : '',
    report.complete ? '' : `\n${incompleteLine(report.unread, 'it may hold more than listed, and become more than shown')}\n`,
  ].join('');
}

/** The rules, in blocks per binding and role, as `permissions` prints them (the TUI's Permissions tab too). */
export function renderRules(report: Pick<ServiceAccountRbac, 'subject' | 'grants'> & { readonly complete?: boolean }): string {
  const out: string[] = [];
  if (report.grants.length === 0)
    out.push(
      report.complete === false
        ? '\nNo rules found: no binding that could be read grants this ServiceAccount anything.\n'
        : '\nNo rules: no binding grants this ServiceAccount anything.\n',
    );
  for (const block of grantBlocks(report)) {
    const through = formatSubject(block.via) === formatSubject(report.subject) ? '' : `, through ${block.via.kind}/${block.via.name}`;
    out.push(`\n${formatBinding(block.binding)} → ${formatRole(block.role)}  (${block.scope}${through}${provenance(block)})\n`);
    const rows = block.grants.map((grant) => [
      formatList(grant.rule.verbs),
      formatRuleTargets(grant.rule),
      (grant.rule.resourceNames ?? []).join(','),
    ]);
    const showNames = rows.some((row) => row[2] !== '');
    const table = renderTable(
      showNames ? ['verbs', 'resources / urls', 'resource names'] : ['verbs', 'resources / urls'],
      showNames ? rows : rows.map((row) => row.slice(0, 2)),
    );
    out.push(table.replace(/^/gm, '  ').replace(/ +$/gm, ''));
  }
  return out.join('');
}

/** The risk facts as a table: fact, scope, detail. */
export function renderFacts(report: Pick<ServiceAccountRbac, 'facts'>): string {
  return renderTable(
    ['fact', 'scope', 'detail'],
    report.facts.map((fact) => [fact.id, fact.namespace ?? 'cluster-wide', fact.detail]),
  );
}

/**
 * The escalation paths, one line each: the certain ones, then those through a ServiceAccount whose existence
 * was not read (not claims). Reading `escalations` walks them: only for the ServiceAccount shown.
 */
export function renderEscalations(report: Pick<ServiceAccountRbac, 'escalations'>): string {
  const certain = report.escalations.filter((path) => path.certain);
  const possible = report.escalations.filter((path) => !path.certain);
  const lines = (paths: readonly EscalationPath[]) => paths.map((path) => `  ${describeEscalation(path)}\n`).join('');
  return [
    certain.length > 0 ? `\nEscalation paths:\n${lines(certain)}` : '',
    possible.length > 0 ? `\n${unknownEscalationsTitle}:\n${lines(possible)}` : '',
  ].join('');
}

export const unknownEscalationsTitle = 'Unknown escalation paths (through ServiceAccounts whose existence was not read)';

interface GrantBlock {
  readonly binding: Grant['binding'];
  readonly role: Grant['role'];
  readonly via: Grant['via'];
  readonly scope: string;
  readonly defaultRbac: boolean;
  readonly builtInRole: boolean;
  readonly grants: Grant[];
}

/** Whose the grant is: Kubernetes' own binding, or a binding of the input to one of Kubernetes' roles. */
function provenance(block: GrantBlock): string {
  if (block.defaultRbac) return ', Kubernetes default binding';
  return block.builtInRole ? ', your binding to a built-in role' : '';
}

/**
 * Rules gathered under the binding, role, scope and subject that grant them, as rolesum shows them; the
 * input's own bindings first, Kubernetes' defaults (the same for every ServiceAccount) last.
 */
function grantBlocks(report: Pick<ServiceAccountRbac, 'grants'>): GrantBlock[] {
  const blocks = new Map<string, GrantBlock>();
  for (const grant of report.grants) {
    const key = [formatBinding(grant.binding), formatRole(grant.role), formatScope(grant), formatSubject(grant.via)].join('\u0000');
    const block = blocks.get(key);
    if (block) block.grants.push(grant);
    else
      blocks.set(key, {
        binding: grant.binding,
        role: grant.role,
        via: grant.via,
        scope: grant.namespace === undefined ? 'cluster-wide' : `in namespace ${grant.namespace}`,
        defaultRbac: grant.defaultRbac,
        builtInRole: grant.builtInRole,
        grants: [grant],
      });
  }
  return [...blocks.values()].sort((a, b) => Number(a.defaultRbac) - Number(b.defaultRbac));
}

export { describeEscalation } from '../rbac/escalation-text.js';
