import { describe, expect, it } from 'vitest';
import { globMatches, type Exemption } from '../../src/policy/exemptions.js';
import { label, scanObjects } from './scan-helper.js';

const deployment = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'pay', annotations },
  spec: { template: { spec: { containers: [] } } },
});
const source = { file: 'exemptions.yaml', line: 3 };

describe('exemptions', () => {
  it('honours the kubectl-sa.dev/exempt annotation with its reason', () => {
    const { findings, exempted } = scanObjects([
      deployment('legacy', { 'kubectl-sa.dev/exempt': 'SA002, RBAC005', 'kubectl-sa.dev/exempt-reason': 'vendor chart' }),
      deployment('web'),
    ]);
    expect(findings.map(label)).toContain('SA002 Deployment/pay/web');
    expect(findings.map(label)).not.toContain('SA002 Deployment/pay/legacy');
    expect(exempted.map((item) => [label(item.finding), item.by, item.reason])).toContainEqual([
      'SA002 Deployment/pay/legacy',
      'annotation',
      'vendor chart',
    ]);
  });

  it('applies file exemptions by rule and object selector, until they expire', () => {
    const exemptions: Exemption[] = [
      {
        rules: ['SA002'],
        object: { kind: 'Deployment', namespace: 'pay', name: 'leg*' },
        reason: 'migrating',
        expires: '2026-12-31',
        source,
      },
      { rules: ['*'], object: { name: 'web' }, reason: 'old', expires: '2026-05-31', source },
    ];
    const { findings, exempted, expiredExemptions } = scanObjects([deployment('legacy'), deployment('web')], { exemptions });
    expect(exempted.map((item) => [label(item.finding), item.by])).toContainEqual(['SA002 Deployment/pay/legacy', 'file']);
    // Expired on 2026-05-31 (valid through that day); the scan runs on 2026-06-01.
    expect(findings.map(label)).toContain('SA002 Deployment/pay/web');
    expect(expiredExemptions.map((exemption) => exemption.reason)).toEqual(['old']);
  });

  it('exempted findings do not lower the score', () => {
    const plain = scanObjects([deployment('web')]);
    const exempt = scanObjects([deployment('web', { 'kubectl-sa.dev/exempt': '*' })]);
    expect(exempt.findings.filter((finding) => finding.object.kind === 'Deployment')).toEqual([]);
    expect(exempt.checks.weightFailed).toBeLessThan(plain.checks.weightFailed);
    expect(plain.checks.weightFailed).toBeGreaterThan(0);
  });

  // A cluster-admin ServiceAccount (RBAC001, critical) that exempts itself from every rule.
  const selfExempt = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'ops', namespace: 'a', annotations: { 'kubectl-sa.dev/exempt': '*', 'kubectl-sa.dev/exempt-reason': 'trust me' } },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'ops', namespace: 'a' }],
    },
  ];

  it("an object's own annotation never exempts a critical finding: it stands, and the attempt is recorded", () => {
    const { findings, exempted, refusedExemptions } = scanObjects(selfExempt);
    expect(findings.map(label)).toContain('RBAC001 ServiceAccount/a/ops');
    expect(exempted.map((item) => label(item.finding))).not.toContain('RBAC001 ServiceAccount/a/ops');
    expect(refusedExemptions.map((item) => [label(item.finding), item.by, item.reason])).toEqual([
      ['RBAC001 ServiceAccount/a/ops', 'annotation', 'trust me'],
    ]);
  });

  it('the exemptions file can exempt a critical finding, and is named before the annotation', () => {
    const exemptions: Exemption[] = [{ rules: ['RBAC001'], object: { name: 'ops' }, reason: 'break-glass', source }];
    const { findings, exempted, refusedExemptions } = scanObjects(selfExempt, { exemptions });
    expect(findings.map(label)).not.toContain('RBAC001 ServiceAccount/a/ops');
    expect(refusedExemptions).toEqual([]);
    expect(exempted.find((item) => item.finding.ruleId === 'RBAC001')).toMatchObject({ by: 'file', reason: 'break-glass', source });
  });

  it('--no-annotation-exemptions and --no-exemptions report what exemptions name, and count it', () => {
    const exemptions: Exemption[] = [{ rules: ['SA002'], object: { name: 'web' }, reason: 'migrating', source }];
    const objects = [deployment('legacy', { 'kubectl-sa.dev/exempt': 'SA002' }), deployment('web')];
    const fileOnly = scanObjects(objects, { exemptions, exemptionMode: { file: true, annotations: false } });
    expect(fileOnly.findings.map(label)).toContain('SA002 Deployment/pay/legacy');
    expect(fileOnly.exempted.map((item) => label(item.finding))).toEqual(['SA002 Deployment/pay/web']);
    expect(fileOnly.ignoredExemptions.map((item) => [label(item.finding), item.by])).toEqual([
      ['SA002 Deployment/pay/legacy', 'annotation'],
    ]);
    const none = scanObjects(objects, { exemptions, exemptionMode: { file: false, annotations: false } });
    expect(none.findings.map(label)).toEqual(expect.arrayContaining(['SA002 Deployment/pay/legacy', 'SA002 Deployment/pay/web']));
    expect(none.exempted).toEqual([]);
    expect(none.ignoredExemptions.map((item) => item.by).sort()).toEqual(['annotation', 'file']);
  });

  it('matches globs without regexes', () => {
    expect(globMatches('api-*', 'api-server')).toBe(true);
    expect(globMatches('*-server', 'api-server')).toBe(true);
    expect(globMatches('a*b*c', 'aXbYc')).toBe(true);
    expect(globMatches('a*b*c', 'aXcYb')).toBe(false);
    expect(globMatches('ab*ba', 'aba')).toBe(false);
    expect(globMatches(undefined, 'x')).toBe(true);
    expect(globMatches('x', 'xy')).toBe(false);
  });
});
