import type { CreatedToken } from '../app/token-create.js';
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
}

export interface TokenDialogRequest {
  readonly namespace: string;
  readonly name: string;
  readonly durationSeconds: number;
  readonly audiences: readonly string[];
}
