/**
 * Maps character offsets in a text to 1-based line and column numbers, in O(log lines) per lookup. The text
 * may be a stretch of a larger one that begins at a line start: `firstLine` is then the stretch's first line in
 * the whole, and lines are numbered as there (columns are the same).
 */
export class LineIndex {
  private readonly lineStarts: number[];
  private readonly firstLine: number;

  constructor(text: string, firstLine = 1) {
    const starts = [0];
    for (let offset = text.indexOf('\n'); offset !== -1; offset = text.indexOf('\n', offset + 1)) {
      starts.push(offset + 1);
    }
    this.lineStarts = starts;
    this.firstLine = firstLine;
  }

  /** The line a text that follows this one begins on: this one's first line plus its line breaks. */
  get nextLine(): number {
    return this.firstLine + this.lineStarts.length - 1;
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: this.firstLine + low, column: offset - (this.lineStarts[low] ?? 0) + 1 };
  }
}

/** How many line breaks `text` holds in [from, to). */
export function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let offset = text.indexOf('\n', from); offset !== -1 && offset < to; offset = text.indexOf('\n', offset + 1)) count += 1;
  return count;
}
