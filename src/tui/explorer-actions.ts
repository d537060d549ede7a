import type { AppliedFix } from '../app/fix-apply.js';
import type { FixPlanResult } from '../app/fix.js';
import type { CreatedToken } from '../app/token-create.js';
import type { PlannedChange } from '../fixes/plan.js';
import type { Finding } from '../policy/finding.js';
import type { ChangeResult } from '../report/fix-report.js';
import type { Exploration, ExploreStage } from '../app/explore.js';
import type { Outcome, Warning } from '../app/outcome.js';
import type { WhoCanQuery } from '../app/who-can.js';
import type { WhoCanReport } from '../report/who-can-report.js';

/**
 * What the TUI can ask for, each a use case of src/app: the view calls these and renders their data, and
 * tests hand it the same functions over examples or a real API server. An action the input cannot support
 * is absent (tokens need a live cluster), and so is its key.
 */
export interface ExplorerActions {
  /** Reads and judges the input; again on `r`. */
  readonly load: (onStage: (stage: ExploreStage) => void) => Promise<Outcome<Exploration>>;
  readonly whoCan: (
    exploration: Exploration,
    query: WhoCanQuery,
  ) => Promise<{ readonly data: WhoCanReport; readonly warnings: readonly Warning[] }>;
  /** TokenRequest for one ServiceAccount; only called when the exploration has a cluster connection. */
  readonly createToken: (exploration: Exploration, request: TokenDialogRequest) => Promise<CreatedToken>;
  /** Puts text on the clipboard and says how (or throws saying why not). */
  readonly copy: (text: string) => Promise<string>;
  /** The fix use case's plan for findings already judged: changes, diffs, what is skipped and why. */
  readonly planFix: (exploration: Exploration, findings: readonly Finding[]) => Promise<FixPlanResult>;
  /** A server-side dry run of a cluster plan (nothing is stored). */
  readonly dryRunFix: (plan: FixPlanResult) => Promise<ReadonlyMap<PlannedChange, ChangeResult>>;
  /** Applies a plan, backup first; says where the backup is. */
  readonly applyFix: (plan: FixPlanResult) => Promise<AppliedFix>;
}

export interface TokenDialogRequest {
  readonly namespace: string;
  readonly name: string;
  readonly durationSeconds: number;
  readonly audiences: readonly string[];
}
