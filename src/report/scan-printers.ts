import type { CompiledPack } from '../policy/compile-pack.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { definePrinters } from './printers.js';
import { renderSarif } from './sarif.js';
import { scanReportDocument, type ScanReport } from './scan-report.js';
import { scanTable } from './scan-table.js';

/** What scan's printers need: the report, and the packs (SARIF and JUnit list every rule, not only those that fired). */
export interface ScanPrintable {
  readonly report: ScanReport;
  readonly packs: readonly CompiledPack[];
}

export const scanPrinters = definePrinters<ScanPrintable>({
  document: ({ report }) => scanReportDocument(report),
  table: ({ report }, context) => scanTable(report, { colour: context.colour }),
  sarif: ({ report, packs }, context) => {
    const sarif = renderSarif(report, packs, context.toolVersion, context.cwd);
    if (sarif.unlocated > 0) {
      context.warn(
        `${sarif.unlocated} finding(s) are left out of the SARIF output: no file holds their object (cluster, stdin or an implicit ServiceAccount), and GitHub code scanning rejects results without one; -o json lists them`,
      );
    }
    return sarif.text;
  },
  junit: ({ report, packs }) => renderJunit(report, packs),
  markdown: ({ report }) => renderMarkdown(report),
});
