import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/sources/cluster/duration.js';

describe('parseDuration', () => {
  it.each([
    ['0', undefined],
    ['', undefined],
    ['5', 5000],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['250ms', 250],
    ['1.5s', 1500],
  ])('reads %j as kubectl does', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(['abc', '5x', '1m-3s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNaN();
  });
});
