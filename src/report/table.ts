/**
 * Renders rows as kubectl does: upper-case headers (as-is for the few kubectl tables that keep case,
 * such as `auth can-i --list`), columns padded to their widest cell and separated by
 * three spaces, no trailing whitespace. Pure text; colour, if any, is the caller's concern.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly headers?: 'upper' | 'as-is' | 'none' } = {},
): string {
  const lines = tableLines(headers, rows, options);
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** The same table as lines, for callers that interleave their own (a 100,000-row table is never split again). */
export function tableLines(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { readonly headers?: 'upper' | 'as-is' | 'none' } = {},
): string[] {
  const widths = headers.map((header, column) => {
    let width = visibleLength(header);
    for (const row of rows) width = Math.max(width, visibleLength(row[column] ?? ''));
    return width;
  });
  const line = (cells: readonly string[]) => tableLine(cells, widths);
  const style = options.headers ?? 'upper';
  const head = style === 'none' ? [] : [line(style === 'upper' ? headers.map((header) => header.toUpperCase()) : headers)];
  return [...head, ...rows.map(line)];
}

/** One row: each cell but the last padded to its column's width, three spaces between, no trailing whitespace. */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell))))
    .join('   ')
    .trimEnd();
}

// Cells may carry ANSI colour; padding must count only what the terminal shows.
const ansiPattern = /\u001b\[[0-9;]*m/g;
export function visibleLength(text: string): number {
  // Most cells have no colour: a search for ESC is far cheaper than a replace per cell of a 20,000-row table.
  return text.includes('\u001b') ? text.replace(ansiPattern, '').length : text.length;
}
