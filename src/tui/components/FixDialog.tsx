import { useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { Exploration } from '../../app/explore.js';
import type { AppliedFix } from '../../app/fix-apply.js';
import type { FixPlanResult } from '../../app/fix.js';
import type { PlannedChange } from '../../fixes/plan.js';
import type { Finding } from '../../policy/finding.js';
import { fixPrinters, fixReport, type ChangeResult, type FixReport } from '../../report/fix-report.js';
import type { ExplorerActions } from '../explorer-actions.js';
import type { Palette } from '../palette.js';
import { blank, textLines, wrap, type Line } from '../text-lines.js';
import { Pane } from './Pane.js';
import { StyledLine } from './StyledLine.js';

type Phase =
  | { readonly kind: 'planning' }
  | { readonly kind: 'planned'; readonly plan: FixPlanResult }
  | { readonly kind: 'dry-running'; readonly plan: FixPlanResult }
  | { readonly kind: 'refused'; readonly plan: FixPlanResult; readonly results: ReadonlyMap<PlannedChange, ChangeResult> }
  | { readonly kind: 'applying'; readonly plan: FixPlanResult }
  | { readonly kind: 'applied'; readonly plan: FixPlanResult; readonly applied: AppliedFix }
  | { readonly kind: 'error'; readonly message: string; readonly plan?: FixPlanResult | undefined };

/**
 * `f`: the fix use case for the selected finding, step by step as `kubectl sa fix` takes them: the plan and
 * its diff; a confirmation; on a live cluster a server dry run of every change (one refused stops it, with
 * nothing changed); the changes, backup first; the result and the backup to undo from. Nothing is written
 * before `y`.
 */
export function FixDialog(props: {
  readonly exploration: Exploration;
  readonly finding: Finding;
  readonly actions: Pick<ExplorerActions, 'planFix' | 'dryRunFix' | 'applyFix'>;
  readonly palette: Palette;
  readonly width: number;
  readonly height: number;
  /** `changed`: something was written, so the view reads the input again. */
  readonly onClose: (changed: boolean) => void;
}) {
  const { palette, finding, actions, exploration } = props;
  const [phase, setPhase] = useState<Phase>({ kind: 'planning' });
  const [scroll, setScroll] = useState(0);
  const failure = (plan?: FixPlanResult) => (error: unknown) =>
    setPhase({ kind: 'error', message: error instanceof Error ? error.message : String(error), plan });

  useEffect(() => {
    actions.planFix(exploration, [finding]).then((plan) => setPhase({ kind: 'planned', plan }), failure());
    // Planned once per dialog: the finding and the exploration do not change while it is open.
  }, []);

  const apply = (plan: FixPlanResult) => {
    setScroll(0);
    const write = () => {
      setPhase({ kind: 'applying', plan });
      actions.applyFix(plan).then((applied) => setPhase({ kind: 'applied', plan, applied }), failure(plan));
    };
    if (plan.origin === 'files') return write();
    setPhase({ kind: 'dry-running', plan });
    actions.dryRunFix(plan).then((results) => {
      if ([...results.values()].some((result) => result.outcome === 'failed')) setPhase({ kind: 'refused', plan, results });
      else write();
    }, failure(plan));
  };

  const inner = props.width - 2;
  const body = bodyLines(phase, palette, inner);
  const head = headLines(phase, finding, palette, inner);
  const foot = footLines(phase, exploration, inner);
  const bodyHeight = Math.max(1, props.height - 2 - head.length - foot.length);
  const maxScroll = Math.max(0, body.length - bodyHeight);

  useInput((input, key) => {
    const changed = phase.kind === 'applied';
    if (key.escape || input === 'q' || (input === 'n' && phase.kind === 'planned')) return props.onClose(changed);
    if (key.upArrow || input === 'k') return setScroll((value) => Math.max(0, value - 1));
    if (key.downArrow || input === 'j') return setScroll((value) => Math.min(maxScroll, value + 1));
    if (key.pageUp) return setScroll((value) => Math.max(0, value - bodyHeight + 1));
    if (key.pageDown || input === ' ') return setScroll((value) => Math.min(maxScroll, value + bodyHeight - 1));
    if (input === 'y' && phase.kind === 'planned' && phase.plan.plan.changes.length > 0) return apply(phase.plan);
    return undefined;
  });

  const shown = [...head, ...body.slice(Math.min(scroll, maxScroll), Math.min(scroll, maxScroll) + bodyHeight)];
  while (shown.length < props.height - 2 - foot.length) shown.push(blank);
  return (
    <Pane title={`fix ${finding.ruleId}`} width={props.width} height={props.height} focused palette={palette}>
      {[...shown, ...foot].map((content, index) => (
        <StyledLine key={index} content={content} width={inner} />
      ))}
    </Pane>
  );
}

function headLines(phase: Phase, finding: Finding, palette: Palette, width: number): Line[] {
  const status: Record<Phase['kind'], string> = {
    planning: 'planning…',
    planned: 'The plan, and its diff. Nothing has been changed.',
    'dry-running': 'Asking the API server to dry-run every change…',
    refused: 'The API server refused a change in the dry run: nothing was changed.',
    applying: 'Applying, backup first…',
    applied: 'Done.',
    error: 'The fix stopped:',
  };
  const style = phase.kind === 'refused' || phase.kind === 'error' ? palette.severity('high') : { bold: true };
  return [
    ...wrap([{ text: `${finding.ruleId} `, style: { bold: true } }, { text: finding.message }], width, 2),
    ...wrap([{ text: status[phase.kind], style }], width),
    blank,
  ];
}

/** The plan as `kubectl sa fix` prints it (the same printer), its diffs coloured by their + and -. */
function bodyLines(phase: Phase, palette: Palette, width: number): Line[] {
  const lines: Line[] = [];
  if (phase.kind === 'error') lines.push(...wrap([{ text: phase.message }], width), blank);
  const report = reportOf(phase);
  if (!report) return lines;
  const text = fixPrinters.print(report, 'table', { colour: false, noHeaders: false, toolVersion: '', cwd: process.cwd(), warn: () => {} });
  for (const content of textLines(text)) {
    const first = content[0]?.text ?? '';
    const style = /^\+(?!\+\+ )/.test(first)
      ? palette.added
      : /^-(?!-- )/.test(first)
        ? palette.removed
        : first.startsWith('@@')
          ? palette.accent
          : undefined;
    lines.push(style ? content.map((segment) => ({ ...segment, style })) : content);
  }
  return lines;
}

function reportOf(phase: Phase): FixReport | undefined {
  if (phase.kind === 'planning' || (phase.kind === 'error' && !phase.plan)) return undefined;
  const plan = phase.plan;
  if (!plan) return undefined;
  const base = { origin: plan.origin, plan: plan.plan, files: plan.files, withoutFix: plan.withoutFix.length };
  if (phase.kind === 'refused') return fixReport({ ...base, dryRun: 'server', results: phase.results });
  if (phase.kind === 'applied')
    return fixReport({ ...base, dryRun: 'none', results: phase.applied.results, backup: phase.applied.backupDir });
  return fixReport({ ...base, dryRun: 'client' });
}

function footLines(phase: Phase, exploration: Exploration, width: number): Line[] {
  const scroll = '↑↓ scroll';
  let text: string;
  switch (phase.kind) {
    case 'planned': {
      const count = phase.plan.plan.changes.length;
      if (count === 0) text = `nothing to apply · ${scroll} · esc closes`;
      else if (phase.plan.origin === 'files')
        text = `y writes ${phase.plan.files.length} file(s), backup first · n or esc cancels · ${scroll}`;
      else
        text = `y applies ${count} change(s) to ${exploration.connection?.kubeConfig.server ?? 'the cluster'}: a server dry run first, then a backup · n or esc cancels · ${scroll}`;
      break;
    }
    case 'applied':
      text = `${undoHint(phase.plan, phase.applied)} · esc closes and reads the input again`;
      break;
    case 'planning':
    case 'dry-running':
    case 'applying':
      text = 'wait…';
      break;
    default:
      text = `${scroll} · esc closes`;
  }
  return wrap([{ text }], width);
}

/** The command that undoes it, as `kubectl sa fix --undo` takes it. */
function undoHint(plan: FixPlanResult, applied: AppliedFix): string {
  return `undo: kubectl sa fix --undo ${applied.backupDir} ${plan.origin === 'files' ? '--write' : '--dry-run=none'}`;
}
