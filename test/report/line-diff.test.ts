import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../src/report/line-diff.js';

describe('lineDiff', () => {
  it('marks kept, removed and added lines, removals first', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\nd\n')).toEqual(['  a', '- b', '+ x', '  c', '+ d']);
  });
  it('is all kept for equal texts and all added from nothing', () => {
    expect(lineDiff('a\nb', 'a\nb')).toEqual(['  a', '  b']);
    expect(lineDiff('', 'a')).toEqual(['- ', '+ a']);
  });
});
