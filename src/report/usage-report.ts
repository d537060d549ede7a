/**
 * `kubectl sa usage` views. One layout, two renderings: sections of lines and tables, printed as kubectl
 * tables on a terminal or as Markdown for a pull request or job summary. JSON and YAML are the report as is.
 */
import type { UsageReport } from '../app/audit-usage.js';
import type { GrantUsage, ServiceAccountJoin } from '../usage/usage-join.js';
import type { ServiceAccountUsage, Tally } from '../usage/usage-types.js';
import { formatBinding, formatList, formatRole, formatRuleTargets } from './grant-format.js';
import { cell } from './markdown.js';
import { definePrinters, type Printers } from './printers.js';
import { renderTable } from './table.js';

/** The report and how to show it: `--sa` asks for one ServiceAccount in full. */
export interface UsageView {
  readonly report: UsageReport;
  readonly detail: boolean;
}

export const usagePrinters: Printers<UsageView> = definePrinters<UsageView>({
  document: (view) => view.report,
  table: (view) => asText(view.detail ? detailSections(view.report) : summarySections(view.report)),
  markdown: (view) => asMarkdown(view.detail ? detailSections(view.report) : summarySections(view.report)),
});

interface Section {
  readonly title?: string;
  readonly lines?: readonly string[];
  readonly table?: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

function overview(report: UsageReport): Section {
  const log = report.auditLog;
  const window = report.window ? `${shortTime(report.window.firstSeen)} – ${shortTime(report.window.lastSeen)}` : 'no timestamps';
  const bad = log.badLines > 0 ? `; ${log.badLines} bad line(s) skipped` : '';
  return {
    lines: [
      `Audit log: ${log.files.length} file(s), ${log.events} event(s), ${report.requests} request(s), ${window}${bad}`,
      `ServiceAccount requests: ${report.serviceAccountRequests} by ${report.serviceAccountsInLog} ServiceAccount(s); ${report.serviceAccounts.length} shown${report.namespace === null ? '' : ` (namespace ${report.namespace}; -A for all)`}`,
    ],
  };
}

function summarySections(report: UsageReport): Section[] {
  const sections: Section[] = [overview(report)];
  if (report.serviceAccounts.length > 0) {
    sections.push({
      table: {
        headers: ['ServiceAccount', 'requests', 'denied', 'first seen', 'last seen', 'alerts'],
        rows: report.serviceAccounts.map((usage) => [
          `${usage.namespace}/${usage.name}`,
          String(usage.count),
          String(usage.denied),
          shortTime(usage.firstSeen),
          shortTime(usage.lastSeen),
          usage.alerts.map((alert) => alert.id).join(', '),
        ]),
      },
    });
  } else {
    sections.push({ lines: ['No ServiceAccount made a request in the log (within the scope asked).'] });
  }
  const alerts = report.serviceAccounts.flatMap((usage) => usage.alerts.map((alert) => ({ usage, alert })));
  if (alerts.length > 0) {
    sections.push({
      title: 'Alerts',
      table: {
        headers: ['ServiceAccount', 'alert', 'count', 'last seen', 'detail'],
        rows: alerts.map(({ usage, alert }) => [
          `${usage.namespace}/${usage.name}`,
          alert.id,
          String(alert.count),
          shortTime(alert.lastSeen),
          alert.detail,
        ]),
      },
    });
  }
  if (report.invalidatedTokens.length > 0) {
    sections.push({
      title: 'Invalidated legacy tokens still presented (refused)',
      table: {
        headers: ['secret', 'count', 'last seen'],
        rows: report.invalidatedTokens.map((token) => [
          `${token.secretNamespace}/${token.secretName}`,
          String(token.count),
          shortTime(token.lastSeen),
        ]),
      },
    });
  }
  if (report.inventory) sections.push(...inventorySections(report, report.inventory.serviceAccounts));
  return sections;
}

function inventorySections(report: UsageReport, accounts: readonly ServiceAccountJoin[]): Section[] {
  const sections: Section[] = [];
  const window = report.window ? `${shortTime(report.window.firstSeen)} – ${shortTime(report.window.lastSeen)}` : 'the log';
  const unused = accounts.filter((account) => account.unused);
  sections.push({
    title: `Unused ServiceAccounts (no request in ${window})`,
    ...(unused.length === 0
      ? { lines: ['None: every ServiceAccount in scope made a request.'] }
      : {
          table: {
            headers: ['ServiceAccount', 'holds rights', 'rules held', 'bindings'],
            rows: unused.map((account) => [
              `${account.namespace}/${account.name}`,
              account.holdsRights ? 'yes' : 'no',
              String(account.grants.length),
              [...new Set(account.grants.map((grant) => formatBinding(grant.binding)))].join(', '),
            ]),
          },
        }),
  });
  const unknown = accounts.filter((account) => account.unknownBecause !== null);
  if (unknown.length > 0) {
    sections.push({
      title: 'Not judged',
      lines: unknown.map((account) => `${account.namespace}/${account.name}: ${account.unknownBecause ?? ''}`),
    });
  }
  const overreach = accounts
    .filter((account) => !account.unused)
    .flatMap((account) => account.grants.filter((grant) => grant.status !== 'used').map((grant) => ({ account, grant })));
  sections.push({
    title: 'Granted but never used (ServiceAccounts that made requests)',
    ...(overreach.length === 0
      ? { lines: ['None: every grant of an active ServiceAccount was used.'] }
      : {
          table: {
            headers: ['ServiceAccount', 'status', 'binding → role', 'scope', 'rule', 'never used'],
            rows: overreach.map(({ account, grant }) => grantRow(`${account.namespace}/${account.name}`, grant)),
          },
        }),
  });
  return sections;
}

function grantRow(who: string, grant: GrantUsage): string[] {
  const rule = `${formatList(grant.rule.verbs)} ${formatRuleTargets(grant.rule)}${(grant.rule.resourceNames ?? []).length > 0 ? ` ${formatList(grant.rule.resourceNames)}` : ''}`;
  const scope = grant.namespace ?? 'cluster-wide';
  const never = grant.status === 'unused' ? 'all of it' : grant.unusedPermissions.join(', ');
  return [who, grant.status, `${formatBinding(grant.binding)} → ${formatRole(grant.role)}`, scope, rule, never];
}

/** `--sa`: one ServiceAccount in full. */
function detailSections(report: UsageReport): Section[] {
  const sections: Section[] = [overview(report)];
  const joined = report.inventory?.serviceAccounts ?? [];
  for (const usage of report.serviceAccounts)
    sections.push(
      ...accountSections(
        usage,
        joined.find((account) => account.namespace === usage.namespace && account.name === usage.name),
      ),
    );
  for (const account of joined) {
    if (report.serviceAccounts.some((usage) => usage.namespace === account.namespace && usage.name === account.name)) continue;
    sections.push({
      title: `ServiceAccount ${account.namespace}/${account.name}`,
      lines: [account.unknownBecause ?? 'No request in the log: unused.'],
    });
    if (account.grants.length > 0) sections.push(grantSection(account.grants));
  }
  if (report.serviceAccounts.length === 0 && joined.length === 0)
    sections.push({ lines: ['The ServiceAccount made no request in the log.'] });
  return sections;
}

function accountSections(usage: ServiceAccountUsage, joined: ServiceAccountJoin | undefined): Section[] {
  const tallies = [
    tallyLine('Pods', usage.pods, usage.tallyOverflow.pods),
    tallyLine('Nodes', usage.nodes, usage.tallyOverflow.nodes),
    tallyLine('User agents', usage.userAgents, usage.tallyOverflow.userAgents),
    tallyLine('Source IPs', usage.sourceIPs, usage.tallyOverflow.sourceIPs),
    tallyLine('Impersonated by', usage.impersonatedBy, 0),
  ].filter((line) => line !== '');
  const sections: Section[] = [
    {
      title: `ServiceAccount ${usage.namespace}/${usage.name}`,
      lines: [
        `${usage.count} request(s) (${usage.allowed} allowed, ${usage.denied} denied), ${shortTime(usage.firstSeen)} – ${shortTime(usage.lastSeen)}`,
        ...tallies,
      ],
    },
    {
      table: {
        headers: ['verb', 'resource / url', 'namespace', 'name', 'count', 'denied', 'codes', 'first seen', 'last seen'],
        rows: usage.requests.map((row) => [
          row.verb,
          row.resource === ''
            ? row.nonResourceURL
            : `${row.resource}${row.apiGroup === '' ? '' : `.${row.apiGroup}`}${row.subresource === '' ? '' : `/${row.subresource}`}`,
          row.namespace,
          row.otherNames ? '(other names)' : row.name,
          String(row.count),
          String(row.denied),
          row.codes.map(({ code, count }) => `${code}×${count}`).join(' '),
          shortTime(row.firstSeen),
          shortTime(row.lastSeen),
        ]),
      },
    },
  ];
  if (usage.legacyTokens.length > 0) {
    sections.push({
      title: 'Legacy tokens used',
      table: {
        headers: ['secret', 'kind', 'count', 'last seen'],
        rows: usage.legacyTokens.map((token) => [token.secret ?? '(unknown)', token.kind, String(token.count), shortTime(token.lastSeen)]),
      },
    });
  }
  if (usage.alerts.length > 0) sections.push({ title: 'Alerts', lines: usage.alerts.map((alert) => `${alert.id}: ${alert.detail}`) });
  if (joined && joined.grants.length > 0) sections.push(grantSection(joined.grants));
  return sections;
}

function grantSection(grants: readonly GrantUsage[]): Section {
  return {
    title: 'Grants and their use',
    table: {
      headers: ['status', 'binding → role', 'scope', 'rule', 'requests', 'never used'],
      rows: grants.map((grant) => {
        const [, status = '', binding = '', scope = '', rule = '', never = ''] = grantRow('', grant);
        return [status, binding, scope, rule, String(grant.requests), grant.status === 'used' ? '' : never];
      }),
    },
  };
}

function tallyLine(label: string, tallies: readonly Tally[], overflow: number): string {
  if (tallies.length === 0) return '';
  const shown = tallies.slice(0, 5).map((tally) => `${tally.value} (${tally.count})`);
  const more =
    tallies.length > 5 || overflow > 0
      ? `, … ${tallies.length - Math.min(5, tallies.length)} more${overflow > 0 ? ` and ${overflow} request(s) beyond the list` : ''}`
      : '';
  return `${label}: ${shown.join(', ')}${more}`;
}

/** `2026-12-01T14:35:19.501403Z` → `2026-12-01T14:35:19Z`: seconds are plenty in a table. */
function shortTime(timestamp: string): string {
  return timestamp.replace(/\.\d+Z$/, 'Z');
}

function asText(sections: readonly Section[]): string {
  const out: string[] = [];
  for (const section of sections) {
    const block: string[] = [];
    if (section.title) block.push(`${section.title}:`);
    for (const line of section.lines ?? []) block.push(section.title ? `  ${line}` : line);
    let text = block.length > 0 ? `${block.join('\n')}\n` : '';
    if (section.table) text += renderTable(section.table.headers, section.table.rows);
    out.push(text);
  }
  return out.join('\n');
}

function asMarkdown(sections: readonly Section[]): string {
  const out: string[] = ['## kubectl-sa usage', ''];
  for (const section of sections) {
    if (section.title) out.push(`### ${cell(section.title)}`, '');
    for (const line of section.lines ?? []) out.push(`${cell(line)}  `);
    if (section.lines?.length) out.push('');
    if (section.table) {
      out.push(
        `| ${section.table.headers.map((header) => cell(capitalise(header))).join(' | ')} |`,
        `|${section.table.headers.map(() => '---').join('|')}|`,
      );
      for (const row of section.table.rows) out.push(`| ${row.map((value) => cell(value)).join(' | ')} |`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
