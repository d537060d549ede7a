import { describe, expect, it } from 'vitest';
import { layoutFor, scrollWindow } from '../../src/tui/layout.js';
import { paletteFor, severityBadge } from '../../src/tui/palette.js';
import { lineText, wrap } from '../../src/tui/text-lines.js';
import { fit } from '../../src/tui/components/StyledLine.js';

describe('scrollWindow', () => {
  it('keeps the cursor visible, moving the window as little as possible', () => {
    expect(scrollWindow(0, 5, 10, 100)).toBe(0);
    expect(scrollWindow(0, 10, 10, 100)).toBe(1);
    expect(scrollWindow(20, 25, 10, 100)).toBe(20);
    expect(scrollWindow(20, 3, 10, 100)).toBe(3);
    expect(scrollWindow(95, 99, 10, 100)).toBe(90);
    expect(scrollWindow(7, 2, 10, 5)).toBe(0);
  });

  it('costs the same at the end of 10,000 rows as at the start', () => {
    expect(scrollWindow(0, 9_999, 40, 10_000)).toBe(9_960);
  });
});

describe('layoutFor', () => {
  const chrome = { zoom: false, chromeRows: 2 };
  it('puts three panes side by side when wide, two around the focus when medium, the focused one when narrow', () => {
    expect(layoutFor({ columns: 200, rows: 40 }, 'accounts', chrome).panes.map((entry) => entry.pane)).toEqual([
      'namespaces',
      'accounts',
      'detail',
    ]);
    expect(layoutFor({ columns: 120, rows: 40 }, 'namespaces', chrome).panes.map((entry) => entry.pane)).toEqual([
      'namespaces',
      'accounts',
    ]);
    expect(layoutFor({ columns: 120, rows: 40 }, 'detail', chrome).panes.map((entry) => entry.pane)).toEqual(['accounts', 'detail']);
    expect(layoutFor({ columns: 80, rows: 24 }, 'detail', chrome).panes.map((entry) => entry.pane)).toEqual(['detail']);
    expect(layoutFor({ columns: 200, rows: 40 }, 'detail', { ...chrome, zoom: true }).panes).toEqual([{ pane: 'detail', width: 200 }]);
  });

  it('uses every column and no more, and leaves the chrome its rows', () => {
    for (const columns of [60, 99, 100, 149, 150, 333]) {
      for (const focus of ['namespaces', 'accounts', 'detail'] as const) {
        const layout = layoutFor({ columns, rows: 30 }, focus, { zoom: false, chromeRows: 3 });
        expect(layout.panes.reduce((sum, entry) => sum + entry.width, 0)).toBe(columns);
        expect(layout.height).toBe(27);
      }
    }
    expect(layoutFor({ columns: 59, rows: 30 }, 'accounts', chrome).tooSmall).toBe(true);
  });
});

describe('text lines', () => {
  it('wraps words with a hanging indent and cuts words longer than a line', () => {
    const lines = wrap([{ text: 'why: ' }, { text: 'a quick brown fox jumps over https://example.com/a/very/long/path' }], 20, 5).map(
      lineText,
    );
    expect(lines).toEqual(['why: a quick brown', '     fox jumps over', '     https://example', '     .com/a/very/lon', '     g/path']);
    for (const text of lines) expect(text.length).toBeLessThanOrEqual(20);
  });

  it('fits a line to exactly its width: padded, or cut with …', () => {
    expect(
      fit([{ text: 'abc' }], 5)
        .map((segment) => segment.text)
        .join(''),
    ).toBe('abc  ');
    expect(
      fit([{ text: 'abc' }, { text: 'defg' }], 5)
        .map((segment) => segment.text)
        .join(''),
    ).toBe('abcd…');
    expect(
      fit([{ text: 'abcde' }], 5)
        .map((segment) => segment.text)
        .join(''),
    ).toBe('abcde');
  });
});

describe('palette', () => {
  it('spells every severity out and colours only when asked', () => {
    expect(['critical', 'high', 'medium', 'low', 'info'].map((severity) => severityBadge(severity as never))).toEqual([
      'CRIT',
      'HIGH',
      'MED',
      'LOW',
      'INFO',
    ]);
    expect(severityBadge(undefined)).toBe('ok');
    expect(paletteFor(true).severity('critical')).toMatchObject({ color: 'red', inverse: true });
    expect(paletteFor(false).severity('critical')).toEqual({ bold: true, inverse: true });
    expect(paletteFor(false).severity('medium').color).toBeUndefined();
    expect(paletteFor(false).focusBorder).toBeUndefined();
  });

  it('uses only colours that read on light and dark backgrounds (no yellow, blue, white, black or gray)', () => {
    const palette = paletteFor(true);
    const used = [
      ...(['critical', 'high', 'medium', 'low', 'info', undefined] as const).map((severity) => palette.severity(severity).color),
      palette.good.color,
      palette.warn.color,
      palette.accent.color,
      palette.focusBorder,
    ].filter(Boolean);
    for (const colour of used) expect(['red', 'magenta', 'green', 'cyan']).toContain(colour);
  });
});

describe('the layout engine the bundles give Ink (src/tui/yoga-layout.ts)', () => {
  it('has every constant of yoga-layout, with its value, before the engine is loaded, and the engine after', async () => {
    const { default: real } = await import('yoga-layout');
    const { default: bundled, layoutConstants, loadLayoutEngine } = await import('../../src/tui/yoga-layout.js');
    const constants = Object.entries(real).filter(([name, value]) => /^[A-Z][A-Z_]+$/.test(name) && typeof value === 'number');
    expect(constants.length).toBeGreaterThan(50);
    expect(Object.fromEntries(constants)).toEqual(layoutConstants);
    expect(() => bundled.Node).toThrow(/before loadLayoutEngine/);
    await loadLayoutEngine();
    const node = bundled.Node.create();
    node.setWidth(10);
    node.calculateLayout(undefined, undefined, bundled.DIRECTION_LTR);
    expect(node.getComputedWidth()).toBe(10);
  });
});
