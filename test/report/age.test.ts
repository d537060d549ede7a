import { describe, expect, it } from 'vitest';
import { kubectlAge } from '../../src/report/age.js';

describe('kubectlAge (kubectl AGE column)', () => {
  it.each([
    [45, '45s'],
    [119, '119s'],
    [312, '5m12s'],
    [600, '10m'],
    [47 * 60, '47m'],
    [5 * 3600 + 180, '5h3m'],
    [20 * 3600, '20h'],
    [3 * 86400 + 4 * 3600, '3d4h'],
    [400 * 86400, '400d'],
    [740 * 86400, '2y10d'],
    [9 * 365 * 86400, '9y'],
  ])('%i s → %s', (seconds, age) => {
    expect(kubectlAge(seconds)).toBe(age);
  });
});
