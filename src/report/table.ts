/**
 * Renders rows as kubectl does: upper-case headers, columns padded to their widest cell and separated by
 * three spaces, no trailing whitespace. Pure text; colour, if any, is the caller's concern.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell))))
      .join('   ')
      .trimEnd();
  return [line(headers.map((header) => header.toUpperCase())), ...rows.map(line)].join('\n') + '\n';
}

// Cells may carry ANSI colour; padding must count only what the terminal shows.
const ansiPattern = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
  return text.replace(ansiPattern, '').length;
}
