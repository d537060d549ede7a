import { availableKeys, type KeyHelp } from '../keymap.js';
import type { Palette } from '../palette.js';
import type { Line } from '../text-lines.js';
import { StyledLine } from './StyledLine.js';

/** Key hints, or the filter being typed, or a message that just happened (a copy, an error). */
export function Footer(props: {
  readonly width: number;
  readonly palette: Palette;
  readonly available: { readonly token: boolean; readonly fix: boolean };
  readonly editing: { readonly text: string; readonly matches: number; readonly total: number } | undefined;
  readonly message: string | undefined;
  /** A dialog is open: its own keys are in it. */
  readonly dialog?: boolean | undefined;
}) {
  const { palette } = props;
  let content: Line;
  if (props.editing) {
    const { text, matches, total } = props.editing;
    content = [
      { text: '/', style: palette.accent },
      { text: `${text}█` },
      {
        text: `  ${matches.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} match · ⏎ keep · esc clear · name: rule: sev: !negate`,
      },
    ];
  } else if (props.dialog) {
    content = [{ text: 'esc', style: palette.accent }, { text: ' closes the dialog · its keys are listed in it' }];
  } else if (props.message) {
    content = [{ text: props.message, style: palette.accent }];
  } else {
    content = fittingKeys(availableKeys(props.available), props.width).flatMap((entry) => [
      { text: entry.keys, style: palette.accent },
      { text: ` ${entry.short}  ` },
    ]);
  }
  return <StyledLine content={content} width={props.width} />;
}

/**
 * The hints that fit in `width` columns: on a narrow terminal the ones before `? help` and `q quit` are
 * dropped from the end, so the two that lead to everything else are always shown.
 */
export function fittingKeys(entries: readonly KeyHelp[], width: number): readonly KeyHelp[] {
  const widthOf = (list: readonly KeyHelp[]) => list.reduce((sum, entry) => sum + entry.keys.length + entry.short.length + 3, 0);
  const kept = [...entries];
  while (widthOf(kept) > width && kept.length > 2) kept.splice(kept.length - 3, 1);
  return kept;
}
