/**
 * Colour and text for the TUI. Every signal is text first (a severity is always spelled out: CRIT, HIGH,
 * MED, LOW, INFO; the focused pane has a double border; the selected row is inverse), so it reads with
 * NO_COLOR, on a monochrome terminal or through a screen reader. Colour only adds to the text, and only the
 * 16 ANSI colours that read on both light and dark backgrounds: red and magenta (yellow and cyan wash out on
 * white, blue sinks into black, bright black is the background colour of Solarized dark). Critical is
 * inverse red, which is the terminal's own background on red, readable on any theme.
 */
import type { Severity } from '../policy/pack-types.js';

export type Colour = 'red' | 'magenta' | 'green' | 'cyan';

export interface TextStyle {
  readonly color?: Colour | undefined;
  readonly bold?: boolean | undefined;
  readonly inverse?: boolean | undefined;
}

export const severityBadges: Readonly<Record<Severity, string>> = {
  critical: 'CRIT',
  high: 'HIGH',
  medium: 'MED',
  low: 'LOW',
  info: 'INFO',
};

export interface Palette {
  readonly colour: boolean;
  severity(severity: Severity | undefined): TextStyle;
  /** What is fine: no finding, a token that is off. */
  readonly good: TextStyle;
  /** Worth a look: a legacy token, an automounted one. */
  readonly warn: TextStyle;
  readonly focusBorder: Colour | undefined;
  readonly accent: TextStyle;
  /** A diff's added and removed lines (their + and - say it without colour). */
  readonly added: TextStyle;
  readonly removed: TextStyle;
}

const severityStyles: Readonly<Record<Severity, TextStyle>> = {
  critical: { color: 'red', bold: true, inverse: true },
  high: { color: 'red', bold: true },
  medium: { color: 'magenta' },
  low: {},
  info: {},
};

export function paletteFor(colour: boolean): Palette {
  const strip = (style: TextStyle): TextStyle => (colour ? style : { bold: style.bold, inverse: style.inverse });
  return {
    colour,
    severity: (severity) => (severity === undefined ? strip({ color: 'green' }) : strip(severityStyles[severity])),
    good: strip({ color: 'green' }),
    warn: strip({ color: 'magenta' }),
    focusBorder: colour ? 'cyan' : undefined,
    accent: strip({ color: 'cyan', bold: true }),
    added: strip({ color: 'green' }),
    removed: strip({ color: 'red' }),
  };
}

/** The badge of a row's worst finding; `ok` when it has none. */
export function severityBadge(severity: Severity | undefined): string {
  return severity === undefined ? 'ok' : severityBadges[severity];
}
