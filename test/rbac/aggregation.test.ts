import { describe, expect, it } from 'vitest';
import { aggregateClusterRoles, labelSelectorMatches } from '../../src/rbac/aggregation.js';
import { authorize, serviceAccountIdentity } from '../../src/rbac/authorize.js';
import { modelOf } from './helpers.js';

describe('label selectors', () => {
  const labels = { tier: 'web', env: 'prod' };
  it('matchLabels needs every pair; an empty selector matches everything', () => {
    expect(labelSelectorMatches({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { tier: 'web', env: 'dev' } }, labels)).toBe(false);
    expect(labelSelectorMatches({}, labels)).toBe(true);
  });
  it('In and NotIn', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'stage'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
  });
  it('Exists and DoesNotExist', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'other', operator: 'DoesNotExist' }] }, labels)).toBe(true);
  });
  it('an invalid requirement matches nothing', () => {
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['web'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] }, labels)).toBe(false);
  });
});

describe('aggregation', () => {
  it('replaces an aggregated role’s rules with the matched roles’ rules, deduplicated, by name order', () => {
    const rule = (resource: string) => ({ verbs: ['get'], apiGroups: [''], resources: [resource] });
    const result = aggregateClusterRoles([
      { name: 'agg', labels: {}, rules: [rule('ignored')], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'x' } }] } },
      { name: 'b', labels: { a: 'x' }, rules: [rule('secrets'), rule('pods')] },
      { name: 'a', labels: { a: 'x' }, rules: [rule('pods')] },
      { name: 'c', labels: { a: 'y' }, rules: [rule('nodes')] },
    ]);
    expect(result.get('agg')).toEqual([rule('pods'), rule('secrets')]);
  });
  it('resolves chains to a fixpoint (admin ⊇ edit ⊇ view, whatever the input order)', () => {
    const rule = (resource: string) => ({ verbs: ['get'], apiGroups: [''], resources: [resource] });
    const result = aggregateClusterRoles([
      { name: 'top', labels: {}, rules: [], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'to-top': 'true' } }] } },
      {
        name: 'middle',
        labels: { 'to-top': 'true' },
        rules: [],
        aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'to-middle', operator: 'Exists' }] }] },
      },
      { name: 'leaf', labels: { 'to-middle': '' }, rules: [rule('pods')] },
    ]);
    expect(result.get('top')).toEqual([rule('pods')]);
  });
  it('terminates on cycles', () => {
    const result = aggregateClusterRoles([
      { name: 'x', labels: { l: 'x' }, rules: [], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'y' } }] } },
      { name: 'y', labels: { l: 'y' }, rules: [], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { l: 'x' } }] } },
    ]);
    expect(result.get('x')).toEqual([]);
  });
  it('offline, a CRD operator’s aggregate-to-view role reaches subjects bound to the default view role', () => {
    const model = modelOf(
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules:
- {apiGroups: [example.com], resources: [widgets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: reader, namespace: team}]
`,
      { defaultRbac: true },
    );
    const sa = serviceAccountIdentity('team', 'reader');
    const widgets = authorize(model, { ...sa, verb: 'list', apiGroup: 'example.com', resource: 'widgets', namespace: 'team' });
    expect(widgets.allowed).toBe(true);
    expect(widgets.grants[0]?.role).toEqual({ kind: 'ClusterRole', name: 'view' });
    // and view itself is aggregated from the bootstrap system:aggregate-to-view role
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'pods', namespace: 'team' }).allowed).toBe(true);
    expect(authorize(model, { ...sa, verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'team' }).allowed).toBe(false);
    // admin aggregates edit which aggregates view: two hops
    const admin = model.clusterRoles.get('admin');
    expect(admin?.rules.some((rule) => rule.resources?.includes('widgets'))).toBe(true);
  });
});
