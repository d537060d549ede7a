import { describe, expect, it } from 'vitest';
import { inWords } from '../../src/tokens/token-lifetime.js';

describe('inWords', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [47 * 60 + 59, '47 min'],
    [3600, '1 h'],
    [5 * 3600 + 12 * 60, '5 h 12 min'],
    [47 * 3600, '47 h'],
    [48 * 3600, '2 days'],
    [86400 * 364, '364 days'],
    [86400 * 365, '1 year'],
    [86400 * 385, '1 year 20 days'],
    [86400 * 731, '2 years 1 day'],
  ])('%i seconds is "%s"', (seconds, words) => {
    expect(inWords(seconds)).toBe(words);
  });
});
