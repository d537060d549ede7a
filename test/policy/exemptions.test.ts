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
