/**
 * The detail pane's tabs for the selected row, as lines. Each tab reads what the scan already derived (the
 * ServiceAccountProfile and Workload documents), or asks the RBAC model for this one account (permissions;
 * escalation paths, walked only when that tab is shown), and renders with the same functions as the
 * `permissions` command, so the TUI and the CLI never disagree.
 */
import type { Exploration } from '../app/explore.js';
import { formatPosition } from '../errors/kubectl-sa-error.js';
import type { KubeObject } from '../inventory/kube-object.js';
import type { Finding } from '../policy/finding.js';
import { renderEscalations, renderFacts, renderRules } from '../report/permissions-report.js';
import { toYaml } from '../report/serialize.js';
import { renderTable } from '../report/table.js';
import { inWords } from '../tokens/token-lifetime.js';
import { clusterScopedKey, rowLabel, type ServiceAccountRow } from './explorer-data.js';
import { severityBadge, type Palette } from './palette.js';
import { blank, labelled, line, textLines, wrap, type Line } from './text-lines.js';

export const detailTabs = ['findings', 'permissions', 'escalation', 'workloads', 'tokens', 'yaml'] as const;
export type DetailTab = (typeof detailTabs)[number];
export const tabTitles: Readonly<Record<DetailTab, string>> = {
  findings: 'Findings',
  permissions: 'Permissions',
  escalation: 'Escalation',
  workloads: 'Workloads',
  tokens: 'Tokens',
  yaml: 'YAML',
};

export interface DetailContext {
  readonly exploration: Exploration;
  readonly palette: Palette;
  readonly width: number;
  /** Actions on offer, so texts name only keys that work here. */
  readonly canCreateToken: boolean;
  readonly canFix: (finding: Finding) => boolean;
}

/** The lines of a text tab (every tab but Findings, whose list the pane draws itself). */
export function tabLines(tab: Exclude<DetailTab, 'findings'>, row: ServiceAccountRow, context: DetailContext): Line[] {
  if (row.kind === 'other') {
    return wrap([{ text: `These findings concern no single ServiceAccount of ${row.namespace}: see the Findings tab.` }], context.width);
  }
  switch (tab) {
    case 'permissions':
      return permissionsLines(row, context);
    case 'escalation':
      return escalationLines(row, context);
    case 'workloads':
      return workloadLines(row, context);
    case 'tokens':
      return tokenLines(row, context);
    case 'yaml':
      return yamlLines(row, context);
  }
}

function permissionsLines(row: ServiceAccountRow, { exploration }: DetailContext): Line[] {
  // The scan's own answer for this account: its grants and facts, read lazily; its escalation paths, which this
  // tab does not show, are not walked.
  const report = exploration.rbac.serviceAccount(row.namespace, row.name);
  if (!report) return textLines('No RBAC answer for this ServiceAccount.');
  const lines = textLines(renderRules(report).replace(/^\n/, ''));
  if (report.facts.length > 0) lines.push(blank, line({ text: 'Risk facts', style: { bold: true } }), ...textLines(renderFacts(report)));
  if (report.baselineOnly)
    lines.push(blank, ...textLines("Only Kubernetes' default RBAC applies: nothing beyond what every authenticated identity holds."));
  return lines;
}

function escalationLines(row: ServiceAccountRow, { exploration, palette, width }: DetailContext): Line[] {
  const answer = exploration.rbac.serviceAccount(row.namespace, row.name);
  if (!answer) return textLines('No RBAC answer for this ServiceAccount.');
  const gains = exploration.rbac.escalationFacts(row.namespace, row.name);
  const lines: Line[] = [
    ...wrap(
      [
        { text: 'Can act as ' },
        { text: `${row.canBecome}`, style: { bold: true } },
        { text: ` other ServiceAccount${row.canBecome === 1 ? '' : 's'} in one step (pod create, token create, impersonation).` },
      ],
      width,
    ),
  ];
  if (gains.ids.length > 0)
    lines.push(...labelled('Can gain:', gains.ids.join(', '), width, { label: { bold: true }, text: palette.severity('high') }));
  if (gains.unsure)
    lines.push(
      ...labelled('Unknown:', 'it may gain more through ServiceAccounts whose existence was not read', width, { label: { bold: true } }),
    );
  lines.push(blank);
  // Reading `escalations` walks the paths from this account: done only here, for the one account shown.
  if (answer.escalations.length === 0)
    lines.push(...wrap([{ text: 'No escalation path: no account it can become holds more than it does.' }], width));
  // As `permissions` prints them: a title per kind of path (certain, unknown), then one path per line, wrapped.
  for (const text of renderEscalations(answer).split('\n').filter(Boolean)) {
    if (text.startsWith('  ')) lines.push(...wrap([{ text: text.trim() }], width - 2, 2).map(indent(2)));
    else lines.push(...(lines.length > 0 && lines[lines.length - 1] !== blank ? [blank] : []), line({ text, style: { bold: true } }));
  }
  return lines;
}

function workloadLines(row: ServiceAccountRow, { width }: DetailContext): Line[] {
  if (row.workloads.length === 0) return wrap([{ text: `No workload in the input runs as ${row.namespace}/${row.name}.` }], width);
  const rows = row.workloads.map((workload) => [
    `${workload.object.kind}/${workload.object.name}`,
    workload.tokenMounted ? (workload.automount.mounted ? 'automount' : 'projected') : 'no',
    workload.automount.decidedBy,
    workload.projectedTokens.map((token) => `${token.audience ?? 'api'} ${inWords(token.effectiveExpirationSeconds)}`).join(', ') || '-',
    workload.legacyTokenSecretNames.join(', ') || '-',
  ]);
  const lines = textLines(renderTable(['workload', 'token', 'decided by', 'projected (audience ttl)', 'legacy secret'], rows));
  lines.push(blank);
  for (const workload of row.workloads) {
    lines.push(
      ...labelled(`${workload.object.kind}/${workload.object.name}:`, workload.automount.reason, width, { label: { bold: true } }),
    );
  }
  return lines;
}

function tokenLines(row: ServiceAccountRow, { palette, width, canCreateToken }: DetailContext): Line[] {
  const profile = row.profile;
  if (!profile) return [];
  const lines: Line[] = [];
  const automount =
    row.automount === 'off'
      ? 'automountServiceAccountToken: false — pods get no token unless they ask for one'
      : row.automount === 'on'
        ? 'automountServiceAccountToken: true — every pod that does not opt out gets a token'
        : 'automountServiceAccountToken is unset — every pod that does not opt out gets a token';
  lines.push(
    ...labelled('Automount:', automount, width, { label: { bold: true }, text: row.automount === 'off' ? palette.good : palette.warn }),
  );
  lines.push(
    ...labelled('In use:', `${row.tokenKind}`, width, {
      label: { bold: true },
      text: row.tokenKind === 'legacy' ? palette.severity('high') : undefined,
    }),
  );
  lines.push(blank, line({ text: 'Legacy token Secrets (never expire)', style: { bold: true } }));
  if (profile.legacyTokenSecrets.length === 0) lines.push(line('  none'));
  else
    lines.push(
      ...textLines(
        renderTable(
          ['secret', 'last used', 'days ago'],
          profile.legacyTokenSecrets.map((secret) => [
            secret.name,
            secret.lastUsed ?? 'never recorded',
            secret.daysSinceLastUsed === null ? '-' : `${secret.daysSinceLastUsed}`,
          ]),
        ),
      ).map(indent(2)),
    );
  lines.push(blank, line({ text: 'Projected tokens in pods', style: { bold: true } }));
  const projected = row.workloads.flatMap((workload) =>
    workload.projectedTokens.map((token) => [
      `${workload.object.kind}/${workload.object.name}`,
      token.volume,
      token.audience ?? '(API server)',
      inWords(token.effectiveExpirationSeconds) + (token.expirationSeconds === null ? ' (default)' : ''),
    ]),
  );
  if (projected.length === 0) lines.push(line('  none declared (automounted tokens live 1 hour and are refreshed by the kubelet)'));
  else lines.push(...textLines(renderTable(['workload', 'volume', 'audience', 'lifetime'], projected)).map(indent(2)));
  if (profile.workloadIdentity.length > 0) {
    lines.push(blank, line({ text: 'Workload identity', style: { bold: true } }));
    for (const identity of profile.workloadIdentity) lines.push(line(`  ${identity.provider}: ${identity.annotation} = ${identity.value}`));
  }
  lines.push(blank);
  lines.push(
    ...wrap(
      [
        {
          text: canCreateToken
            ? 'Press t to create a short-lived token for this ServiceAccount (TokenRequest API).'
            : 'Tokens are created on a live cluster: run kubectl sa without -f to press t here.',
        },
      ],
      width,
    ),
  );
  return lines;
}

function yamlLines(row: ServiceAccountRow, { exploration }: DetailContext): Line[] {
  const entry = exploration.inventory.findServiceAccount(row.namespace, row.name);
  if (!entry) {
    const why = row.profile?.implicit
      ? 'not in the input: the control plane creates it in every namespace'
      : 'not in the input: bindings or workloads name it';
    return [
      line({ text: `# ${row.namespace}/${row.name} is ${why}`, style: { bold: true } }),
      ...textLines(toYaml(row.profile?.serviceAccount)),
    ];
  }
  const where = entry.source
    ? `# ${formatPosition(entry.source)}${entry.source.template ? ` (${entry.source.template})` : ''}`
    : '# read from the cluster';
  return [line({ text: where, style: { bold: true } }), ...textLines(toYaml(withoutManagedFields(entry.object)))];
}

/** kubectl hides managedFields by default (--show-managed-fields=false): they bury the object. */
function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _managedFields, ...metadata } = object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...object, metadata };
}

/** A finding in full, below the Findings list: what, why, what to do, where. */
export function findingLines(finding: Finding, { palette, width, canFix }: DetailContext): Line[] {
  const lines: Line[] = [
    ...wrap(
      [
        { text: severityBadge(finding.severity), style: palette.severity(finding.severity) },
        { text: ` ${finding.ruleId} `, style: { bold: true } },
        { text: finding.title },
      ],
      width,
      2,
    ),
    ...labelled(
      'object:',
      `${finding.object.kind}/${finding.object.namespace ? `${finding.object.namespace}/` : ''}${finding.object.name}`,
      width,
      { label: { bold: true } },
    ),
  ];
  if (finding.source)
    lines.push(
      ...labelled('source:', `${formatPosition(finding.source)}${finding.source.template ? ` (${finding.source.template})` : ''}`, width, {
        label: { bold: true },
      }),
    );
  lines.push(...labelled('what:', finding.message, width, { label: { bold: true } }));
  lines.push(...labelled('why:', finding.explanation, width, { label: { bold: true } }));
  lines.push(...labelled('fix:', finding.remediation, width, { label: { bold: true }, text: palette.good }));
  if (canFix(finding))
    lines.push(
      ...labelled('', 'Press f to see the planned fix, its diff and a dry run before anything is applied.', width, {
        text: palette.accent,
      }),
    );
  for (const reference of finding.references) lines.push(...labelled('see:', reference, width, { label: { bold: true } }));
  return lines;
}

/** One row of the Findings list after its badge: rule and message (messages name their object). */
export function findingSummary(finding: Finding): string {
  return `${finding.ruleId.padEnd(8)} ${finding.message}`;
}

export function detailTitle(row: ServiceAccountRow): string {
  return row.kind === 'other'
    ? `${row.namespace === clusterScopedKey ? 'cluster-scoped' : row.namespace}: other findings`
    : `${row.namespace}/${rowLabel(row)}`;
}

function indent(columns: number): (content: Line) => Line {
  const pad = ' '.repeat(columns);
  return (content) => (content.length === 0 ? content : [{ text: pad }, ...content]);
}
