import { describe, expect, it } from 'vitest';
import { diffToPatch } from '../../src/fixes/json-diff.js';
import { applyPatch } from '../../src/fixes/json-patch.js';

const podSpec = (automount: boolean | undefined, volumes: unknown[]) => ({
  spec: {
    template: {
      spec: {
        ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
        containers: [
          { name: 'app', image: 'app:1', env: [{ name: 'API_KEY', value: 'planted-value' }] },
          { name: 'side', image: 'side:1' },
        ],
        volumes,
      },
    },
  },
});

describe('diffToPatch', () => {
  it('a field changed inside a list item is one operation at its own pointer, not the list', () => {
    const from = podSpec(undefined, []);
    const to = structuredClone(from);
    to.spec.template.spec.containers[1]!.image = 'side:2';
    expect(diffToPatch(from, to)).toEqual([{ op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'side:2' }]);
  });

  it('lists of other lengths: equal items at both ends kept, the middle paired by index, the rest added or removed', () => {
    const a = { name: 'a' };
    const b = { name: 'b' };
    const c = { name: 'c' };
    expect(diffToPatch({ l: [a, c] }, { l: [a, b, c] })).toEqual([{ op: 'add', path: '/l/1', value: b }]);
    expect(diffToPatch({ l: [a, b, c] }, { l: [a, c] })).toEqual([{ op: 'remove', path: '/l/1' }]);
    expect(diffToPatch({ l: [a] }, { l: [a, b] })).toEqual([{ op: 'add', path: '/l/1', value: b }]);
    expect(diffToPatch({ l: [{ name: 'a', x: 1 }] }, { l: [{ name: 'a', x: 2 }, b, c] })).toEqual([
      { op: 'replace', path: '/l/0/x', value: 2 },
      { op: 'add', path: '/l/1', value: b },
      { op: 'add', path: '/l/2', value: c },
    ]);
  });

  it('applied in order, turns from into to (random lists and objects)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const value = (depth: number): unknown => {
      const kind = random(depth > 2 ? 2 : 4);
      if (kind === 0) return random(3);
      if (kind === 1) return ['x', 'y'][random(2)];
      if (kind === 2) return Array.from({ length: random(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: random(3) }, () => [['p', 'q', 'r/s', 't~u'][random(4)], value(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const from = value(0);
      const to = value(0);
      const patched = applyPatch({ v: from }, diffToPatch({ v: from }, { v: to }));
      expect(patched).toEqual({ v: to });
    }
  });

  it('leaves what it is told to ignore', () => {
    expect(diffToPatch({ metadata: { a: 1 }, spec: 1 }, { metadata: { a: 2 }, spec: 2 }, ['/metadata'])).toEqual([
      { op: 'replace', path: '/spec', value: 2 },
    ]);
  });
});
