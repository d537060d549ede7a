import type { Inventory } from '../inventory/inventory.js';
import type { CompiledPack } from '../policy/compile-pack.js';
import type { RbacView } from '../policy/derived/scan-context.js';
import type { Evaluation } from '../policy/evaluate.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import { buildScanReport, type ScanReport } from '../report/scan-report.js';
import type { ClusterConnection } from '../sources/cluster/connect.js';
import type { Outcome } from './outcome.js';
import { expiredWarnings, judge, type JudgeOptions, type JudgeStage } from './scan.js';

export type ExploreOptions = JudgeOptions;
export type ExploreStage = JudgeStage;

/** Where the objects came from, in the words a header shows. */
export type ExplorationSource =
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  | {
      readonly kind: 'cluster';
      readonly context: string;
      readonly server: string;
      /** undefined: every namespace (-A). */
      readonly namespace: string | undefined;
      readonly as: string | undefined;
    };

/**
 * Everything an interactive view needs, read and judged once: the scan (report and the engine's answer, with
 * the documents it judged), the RBAC model the answers came from (for permissions, escalation paths and
 * who-can on one ServiceAccount, asked later without reading again) and the cluster connection for actions.
 */
export interface Exploration {
  readonly source: ExplorationSource;
  readonly packs: readonly CompiledPack[];
  readonly inventory: Inventory;
  readonly evaluation: Evaluation;
  readonly report: ScanReport;
  readonly model: RbacModel;
  readonly rbac: RbacView;
  readonly connection: ClusterConnection | undefined;
  readonly now: Date;
  /** How long reading (packs and input) and judging took, in milliseconds. */
  readonly timings: { readonly readMs: number; readonly judgeMs: number };
}

/** The input judged by the packs, for the TUI (`kubectl sa` on a terminal): a scan that keeps its model. */
export async function explore(options: ExploreOptions): Promise<Outcome<Exploration>> {
  const started = performance.now();
  let read = started;
  const judgement = await judge({
    ...options,
    // The rows list every ServiceAccountProfile: kept as judged, not built again.
    keepProfiles: true,
    onStage: (stage) => {
      if (stage === 'judging') read = performance.now();
      options.onStage?.(stage);
    },
  });
  const { packs, inventory, evaluation, connection } = judgement;
  // No --fail-on here: the view shows every severity, and nothing decides an exit code from findings.
  const report = buildScanReport(inventory, packs, evaluation, 'none');
  const source: ExplorationSource = connection
    ? {
        kind: 'cluster',
        context: connection.kubeConfig.contextName,
        server: connection.kubeConfig.server,
        namespace: connection.namespace,
        as: options.input.cluster.as,
      }
    : { kind: 'files', paths: options.input.paths };
  return {
    data: {
      source,
      packs,
      inventory,
      evaluation,
      report,
      model: judgement.model,
      rbac: judgement.rbac,
      connection,
      now: options.now,
      timings: { readMs: read - started, judgeMs: performance.now() - read },
    },
    notes: inventory.notes,
    warnings: [...judgement.warnings, ...expiredWarnings(report)],
  };
}
