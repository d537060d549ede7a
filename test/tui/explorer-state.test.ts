import { describe, expect, it } from 'vitest';
import { initialState, reduce, selectedAccount, type ViewFacts } from '../../src/tui/explorer-state.js';

const facts: ViewFacts = {
  namespaceKeys: ['all', 'a', 'b'],
  accountKeys: ['a/x', 'a/y', 'b/z'],
  findingCount: 4,
  detailLineCount: 100,
  listHeight: 10,
  detailHeight: 20,
};

describe('the explorer state machine', () => {
  const start = initialState({ namespaceKey: 'all' });

  it('starts on the ServiceAccounts, first row selected, Findings tab', () => {
    expect(start).toMatchObject({ focus: 'accounts', tab: 'findings' });
    expect(selectedAccount(start, facts)).toBe('a/x');
  });

  it('moves within bounds and keeps the selection by key', () => {
    const down = reduce(start, { type: 'move', by: 1 }, facts);
    expect(selectedAccount(down, facts)).toBe('a/y');
    expect(selectedAccount(reduce(down, { type: 'edge', to: 'last' }, facts), facts)).toBe('b/z');
    expect(selectedAccount(reduce(down, { type: 'move', by: -5 }, facts), facts)).toBe('a/x');
    // The list changes (a filter): the key stays selected wherever it now is.
    expect(selectedAccount(down, { accountKeys: ['b/z', 'a/y'] })).toBe('a/y');
    expect(selectedAccount(down, { accountKeys: ['b/z'] })).toBe('b/z');
  });

  it('drills in and backs out; Esc clears the list’s filter before going back', () => {
    const detail = reduce(start, { type: 'drill' }, facts);
    expect(detail.focus).toBe('detail');
    expect(reduce(detail, { type: 'drill' }, facts).zoom).toBe(true);
    const filtered = reduce(
      reduce(reduce(start, { type: 'filterStart' }, facts), { type: 'filterType', text: 'x' }, facts),
      { type: 'filterAccept' },
      facts,
    );
    expect(filtered.filters.accounts).toBe('x');
    const cleared = reduce(filtered, { type: 'back' }, facts);
    expect(cleared).toMatchObject({ focus: 'accounts', filters: { accounts: '' } });
    expect(reduce(cleared, { type: 'back' }, facts).focus).toBe('namespaces');
  });

  it('scrolls a text tab within its lines and moves through findings on the Findings tab', () => {
    const detail = reduce(start, { type: 'drill' }, facts);
    expect(reduce(detail, { type: 'move', by: 10 }, facts).findingIndex).toBe(3);
    const permissions = reduce(detail, { type: 'tabAt', index: 1 }, facts);
    expect(permissions.tab).toBe('permissions');
    expect(reduce(permissions, { type: 'page', by: 1 }, facts).detailScroll).toBe(19);
    expect(reduce(permissions, { type: 'edge', to: 'last' }, facts).detailScroll).toBe(80);
    expect(reduce(permissions, { type: 'tab', by: -1 }, facts).tab).toBe('findings');
    expect(reduce(detail, { type: 'tab', by: -1 }, facts).tab).toBe('yaml');
  });

  it('cycles the sorts of the list in focus', () => {
    expect(reduce(start, { type: 'sort' }, facts).accountSort).toBe('name');
    const namespaces = reduce(start, { type: 'back' }, facts);
    expect(reduce(namespaces, { type: 'sort' }, facts).namespaceSort).toBe('risk');
  });
});
