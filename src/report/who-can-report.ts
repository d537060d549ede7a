import type { WhoCanResult } from '../rbac/types.js';
import { formatBinding, formatRole, formatScope, incompleteLine } from './grant-format.js';
import { definePrinters } from './printers.js';
import { renderTable } from './table.js';

/** The documented `kubectl sa who-can -o json` shape: the engine's WhoCanResult with a header. */
export interface WhoCanReport extends WhoCanResult {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'WhoCan';
  readonly defaultRbac: string | null;
}

/** One row per subject and binding (a subject allowed by two bindings shows twice), SAs first. */
export const whoCanPrinters = definePrinters<WhoCanReport>({ document: (report) => report, table: renderWhoCanTable });

function renderWhoCanTable(report: WhoCanReport): string {
  const rows: string[][] = [];
  for (const { subject, grants } of report.subjects) {
    const seen = new Set<string>();
    for (const grant of grants) {
      const row = [
        subject.kind,
        subject.namespace ?? '',
        subject.name,
        formatBinding(grant.binding),
        formatRole(grant.role),
        formatScope(grant),
        grant.defaultRbac ? 'binding' : grant.builtInRole ? 'role only' : '',
      ];
      const key = row.join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
    }
  }
  const footer =
    report.bypass.map((subject) => `${subject.kind} ${subject.name} is also allowed: it bypasses RBAC.\n`).join('') +
    (report.complete ? '' : `${incompleteLine(report.unread, 'more subjects may be allowed than listed')}\n`);
  if (rows.length === 0)
    return `${report.complete ? 'No subject is allowed through RBAC.' : 'No subject is allowed through the RBAC that could be read.'}\n${footer}`;
  return renderTable(['kind', 'namespace', 'name', 'binding', 'role', 'scope', 'default'], rows) + footer;
}
