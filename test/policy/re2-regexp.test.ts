import { describe, expect, it } from 'vitest';
import { re2RegExp } from '../../src/policy/re2-regexp.js';

describe('re2RegExp, the pattern engine of pack schemas', () => {
  it('answers a string it has answered before the same, for matches and misses alike', () => {
    const facts = re2RegExp('^(escalate|bind|impersonate|system-masters)$');
    for (let round = 0; round < 3; round++) {
      expect(facts.test('bind')).toBe(true);
      expect(facts.test('workload-create')).toBe(false);
      expect(facts.test('bindings')).toBe(false);
      expect(facts.test('')).toBe(false);
    }
  });

  it('keeps each pattern’s answers apart', () => {
    const a = re2RegExp('^a+$');
    const b = re2RegExp('^b+$');
    expect(a.test('aaa')).toBe(true);
    expect(b.test('aaa')).toBe(false);
    expect(b.test('bbb')).toBe(true);
    expect(a.test('bbb')).toBe(false);
    expect(String(a)).toBe('/^a+$/');
  });

  it('answers right past its bounds: long strings and more distinct strings than it remembers', () => {
    const digits = re2RegExp('^[0-9]+$');
    const long = '7'.repeat(10_000);
    expect(digits.test(long)).toBe(true);
    expect(digits.test(`${long}x`)).toBe(false);
    for (let index = 0; index < 10_000; index++) {
      expect(digits.test(String(index))).toBe(true);
      expect(digits.test(`x${index}`)).toBe(false);
    }
    expect(digits.test('42')).toBe(true);
    expect(digits.test('x42')).toBe(false);
  });
});
