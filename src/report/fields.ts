/** One `Label:  value` line of a kubectl-describe-style block; a null value is left out. */
export type Field = readonly [label: string, value: string | null];

/**
 * Renders fields as `kubectl describe` does: labels followed by a colon, values aligned in one column.
 * Pure text, ending with a newline.
 */
export function renderFields(fields: readonly Field[]): string {
  const shown = fields.filter((field): field is readonly [string, string] => field[1] !== null);
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`.trimEnd()).join('\n') + (shown.length > 0 ? '\n' : '');
}
