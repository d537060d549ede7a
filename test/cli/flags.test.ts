import { describe, expect, it } from 'vitest';
import { parseRequestTimeout } from '../../src/cli/flags.js';

describe('parseRequestTimeout', () => {
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
    expect(parseRequestTimeout(text)).toBe(expected);
  });

  it.each(['abc', '5x', '1m-3s'])('rejects %j', (text) => {
    expect(parseRequestTimeout(text)).toBeNaN();
  });
});
