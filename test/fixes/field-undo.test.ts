import { describe, expect, it } from 'vitest';
import { applyGuarded, fieldChanges, redoPatch, undoPatch } from '../../src/fixes/field-undo.js';

const ref = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespace: 'shop', name: 'reads' };
const subject = (name: string) => ({ kind: 'ServiceAccount', name, namespace: 'shop' });
const binding = (...names: string[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'reads', resourceVersion: '1' },
  subjects: names.map(subject),
});

describe('field changes: a live change taken back field by field', () => {
  it('a subject appended: recorded at its index; undo removes it, keeping a subject someone appended after it', () => {
    const fields = fieldChanges(ref, binding('default'), {
      ...binding('default', 'cart'),
      metadata: { name: 'reads', resourceVersion: '2' },
    });
    expect(fields).toEqual([{ path: '/subjects/1', after: subject('cart') }]);
    const later = binding('default', 'cart', 'other');
    expect(applyGuarded(later, undoPatch(fields))).toEqual({ document: binding('default', 'other') });
  });

  it('a field someone changed after the change: undo does not fit (naming the pointer), nor does redo; as it was before: redo fits', () => {
    const before = { spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    const after = { spec: { template: { spec: { automountServiceAccountToken: false, containers: [{ name: 'a' }] } } } };
    const fields = fieldChanges(ref, before, after);
    const pointer = '/spec/template/spec/automountServiceAccountToken';
    expect(fields).toEqual([{ path: pointer, after: false }]);
    const changed = { spec: { template: { spec: { automountServiceAccountToken: true, containers: [{ name: 'b' }] } } } };
    expect(applyGuarded(changed, undoPatch(fields))).toEqual({ misfit: pointer });
    expect(applyGuarded(changed, redoPatch(fields))).toEqual({ misfit: pointer });
    expect('document' in applyGuarded(before, redoPatch(fields))).toBe(true);
    // A field the change removed, there again: putting it back would overwrite someone's value, so undo does not fit.
    const removal = fieldChanges(ref, after, before);
    expect(applyGuarded(after, undoPatch(removal))).toEqual({ misfit: pointer });
    expect(applyGuarded(before, undoPatch(removal))).toEqual({ document: after });
  });
});
