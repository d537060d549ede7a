import { describe, expect, it } from 'vitest';
import { applyPatch, formatPointer, parsePointer, PatchError } from '../../src/fixes/json-patch.js';

// Cases from RFC 6902 appendix A and RFC 6901 section 5.
describe('JSON Patch (RFC 6902)', () => {
  it('adds an object member, an array element and appends with -', () => {
    expect(applyPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ foo: 'bar', baz: 'qux' });
    expect(applyPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
    expect(applyPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({ foo: ['bar', ['abc', 'def']] });
  });
  it('add replaces an existing member, as the RFC says', () => {
    expect(applyPatch({ a: true }, [{ op: 'add', path: '/a', value: false }])).toEqual({ a: false });
  });
  it('removes, replaces, moves and copies', () => {
    expect(applyPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
    expect(applyPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({ foo: ['bar', 'baz'] });
    expect(applyPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
    expect(
      applyPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }]),
    ).toEqual({ foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } });
    expect(applyPatch({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }])).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });
  it('never changes its input', () => {
    const input = { spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    const frozen = JSON.stringify(input);
    applyPatch(input, [{ op: 'add', path: '/spec/template/spec/automountServiceAccountToken', value: false }]);
    expect(JSON.stringify(input)).toBe(frozen);
  });
  it('a failed test is a precondition failure naming the operation; a missing parent is an error', () => {
    const test = () => applyPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]);
    expect(test).toThrowError(PatchError);
    expect(test).toThrowError(/operation 0 \(test \/baz\): expected "bar", found "qux"/);
    try {
      test();
    } catch (error) {
      expect((error as PatchError).precondition).toBe(true);
    }
    expect(() => applyPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).toThrowError(/does not exist/);
    expect(() => applyPatch({ foo: 'bar' }, [{ op: 'remove', path: '/nope' }])).toThrowError(/nothing to remove/);
    expect(() => applyPatch({ foo: 'bar' }, [{ op: 'replace', path: '/nope', value: 1 }])).toThrowError(/nothing to replace/);
  });
  it('test compares JSON values, key order aside', () => {
    expect(applyPatch({ a: { x: 1, y: [1, 2] } }, [{ op: 'test', path: '/a', value: { y: [1, 2], x: 1 } }])).toEqual({
      a: { x: 1, y: [1, 2] },
    });
  });
  it('pointers escape ~ and / (RFC 6901)', () => {
    expect(parsePointer('/a~1b/m~0n')).toEqual(['a/b', 'm~n']);
    expect(formatPointer(['metadata', 'annotations', 'kubernetes.io/legacy-token-last-used'])).toBe(
      '/metadata/annotations/kubernetes.io~1legacy-token-last-used',
    );
    expect(applyPatch({ 'a/b': 1 }, [{ op: 'replace', path: '/a~1b', value: 2 }])).toEqual({ 'a/b': 2 });
  });
});
