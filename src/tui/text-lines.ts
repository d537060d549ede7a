/**
 * Styled text as lines of segments, the unit every scrolling pane of the TUI renders: a pane shows exactly
 * `height` of them, so nothing is ever taller than the terminal. Prose is word-wrapped here to the pane's
 * width (with a hanging indent); tables are kept one line per row and truncated when drawn.
 */
import type { TextStyle } from './palette.js';

export interface Segment {
  readonly text: string;
  readonly style?: TextStyle | undefined;
}

export type Line = readonly Segment[];

export function line(...segments: readonly (Segment | string)[]): Line {
  return segments.map((segment) => (typeof segment === 'string' ? { text: segment } : segment));
}

export const blank: Line = [];

/** Multi-line text (a table, YAML) as lines, one style for all; a trailing newline adds no empty line. */
export function textLines(text: string, style?: TextStyle): Line[] {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.map((content) => (content === '' ? blank : [{ text: content, style }]));
}

/**
 * Word-wraps segments to `width` columns; continuation lines start with `indent` spaces. A word longer than
 * a line is cut. Styles stay with their words.
 */
export function wrap(segments: readonly Segment[], width: number, indent = 0): Line[] {
  const limit = Math.max(width, indent + 8);
  const lines: Segment[][] = [[]];
  let used = 0;
  const current = () => lines[lines.length - 1] as Segment[];
  const newLine = () => {
    lines.push(indent > 0 ? [{ text: ' '.repeat(indent) }] : []);
    used = indent;
  };
  for (const segment of segments) {
    for (const token of segment.text.split(/(\s+)/)) {
      if (token === '') continue;
      const isSpace = /^\s+$/.test(token);
      if (isSpace) {
        if (used === 0 || used === indent) continue;
        if (used + token.length > limit) newLine();
        else {
          current().push({ text: token, style: segment.style });
          used += token.length;
        }
        continue;
      }
      let word = token;
      if (used + word.length > limit && used > indent) newLine();
      while (word.length > limit - used) {
        current().push({ text: word.slice(0, limit - used), style: segment.style });
        word = word.slice(limit - used);
        newLine();
      }
      current().push({ text: word, style: segment.style });
      used += word.length;
    }
  }
  return lines.map(trimEndOf);
}

/** A label and wrapped prose after it: `why: …` with continuation lines under the prose. */
export function labelled(label: string, text: string, width: number, styles: { label?: TextStyle; text?: TextStyle } = {}): Line[] {
  return wrap(
    [
      { text: `${label} `, style: styles.label },
      { text, style: styles.text },
    ],
    width,
    label.length + 1,
  );
}

export function lineText(content: Line): string {
  return content.map((segment) => segment.text).join('');
}

function trimEndOf(segments: Segment[]): Line {
  const last = segments[segments.length - 1];
  if (last && /\s+$/.test(last.text)) return [...segments.slice(0, -1), { ...last, text: last.text.trimEnd() }];
  return segments;
}
