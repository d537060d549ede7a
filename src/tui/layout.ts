/**
 * Which panes fit the terminal, and how wide each is. Three panes side by side on a wide terminal; on a
 * narrower one the two around the focus (namespaces with their accounts, or accounts with the details), and
 * on a narrow one the focused pane alone, as k9s does. Heights are exact: header, warning line and footer
 * take their rows and the panes take the rest, so nothing is ever taller than the terminal.
 */
import type { PaneId } from './explorer-state.js';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export interface Layout {
  readonly panes: readonly { readonly pane: PaneId; readonly width: number }[];
  /** Rows of the pane area. */
  readonly height: number;
  /** Below this the screen says so instead of drawing a broken layout. */
  readonly tooSmall: boolean;
}

export const minimumSize: TerminalSize = { columns: 60, rows: 12 };
const namespacesWidth = 36;

export function layoutFor(size: TerminalSize, focus: PaneId, options: { readonly zoom: boolean; readonly chromeRows: number }): Layout {
  const height = size.rows - options.chromeRows;
  const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
  const columns = size.columns;
  if (options.zoom && focus === 'detail') return { panes: [{ pane: 'detail', width: columns }], height, tooSmall };
  if (columns >= 150) {
    const accounts = Math.min(90, Math.max(66, Math.floor((columns - namespacesWidth) * 0.5)));
    return {
      panes: [
        { pane: 'namespaces', width: namespacesWidth },
        { pane: 'accounts', width: accounts },
        { pane: 'detail', width: columns - namespacesWidth - accounts },
      ],
      height,
      tooSmall,
    };
  }
  if (columns >= 100) {
    if (focus === 'namespaces')
      return {
        panes: [
          { pane: 'namespaces', width: namespacesWidth },
          { pane: 'accounts', width: columns - namespacesWidth },
        ],
        height,
        tooSmall,
      };
    const accounts = Math.max(56, Math.floor(columns * 0.5));
    return {
      panes: [
        { pane: 'accounts', width: accounts },
        { pane: 'detail', width: columns - accounts },
      ],
      height,
      tooSmall,
    };
  }
  return { panes: [{ pane: focus, width: columns }], height, tooSmall };
}

/**
 * The first row a list of `count` rows shows in `height` rows so that `cursor` is visible, moving as little
 * as possible from `offset` (the list scrolls only when the cursor leaves the window).
 */
export function scrollWindow(offset: number, cursor: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let top = Math.max(0, Math.min(offset, count - height));
  if (cursor < top) top = cursor;
  else if (cursor >= top + height) top = cursor - height + 1;
  return Math.max(0, Math.min(top, count - height));
}
