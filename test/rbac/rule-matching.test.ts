import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../src/inventory/kube-object.js';
import {
  apiGroupMatches,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  verbMatches,
} from '../../src/rbac/rule-matching.js';

const get = (resource: string, extra: { apiGroup?: string; subresource?: string; name?: string; verb?: string } = {}) => ({
  verb: extra.verb ?? 'get',
  apiGroup: extra.apiGroup ?? '',
  resource,
  ...(extra.subresource ? { subresource: extra.subresource } : {}),
  ...(extra.name ? { name: extra.name } : {}),
});

describe('verbs', () => {
  it('matches a listed verb and * for any verb', () => {
    expect(verbMatches({ verbs: ['get', 'list'] }, 'list')).toBe(true);
    expect(verbMatches({ verbs: ['*'] }, 'escalate')).toBe(true);
    expect(verbMatches({ verbs: ['get'] }, 'list')).toBe(false);
  });
  it('is case-sensitive', () => {
    expect(verbMatches({ verbs: ['GET'] }, 'get')).toBe(false);
  });
  it('matches nothing without verbs', () => {
    expect(verbMatches({}, 'get')).toBe(false);
  });
});

describe('API groups', () => {
  it('matches the core group as the empty string, a named group, and * for any', () => {
    expect(apiGroupMatches({ apiGroups: [''] }, '')).toBe(true);
    expect(apiGroupMatches({ apiGroups: ['apps'] }, 'apps')).toBe(true);
    expect(apiGroupMatches({ apiGroups: ['*'] }, 'batch')).toBe(true);
    expect(apiGroupMatches({ apiGroups: ['apps'] }, '')).toBe(false);
  });
});

describe('resources', () => {
  it('* matches every resource and subresource', () => {
    expect(resourceMatches({ resources: ['*'] }, 'pods/exec', 'exec')).toBe(true);
  });
  it('matches resource/subresource exactly', () => {
    expect(resourceMatches({ resources: ['pods/exec'] }, 'pods/exec', 'exec')).toBe(true);
    expect(resourceMatches({ resources: ['pods/exec'] }, 'pods/log', 'log')).toBe(false);
  });
  it('a plain resource does not grant its subresources', () => {
    expect(resourceMatches({ resources: ['pods'] }, 'pods/exec', 'exec')).toBe(false);
  });
  it('*/subresource matches that subresource of any resource', () => {
    expect(resourceMatches({ resources: ['*/scale'] }, 'deployments/scale', 'scale')).toBe(true);
    expect(resourceMatches({ resources: ['*/scale'] }, 'deployments/status', 'status')).toBe(false);
    expect(resourceMatches({ resources: ['*/scale'] }, 'deployments', '')).toBe(false);
  });
  it('pods/* is not a wildcard', () => {
    expect(resourceMatches({ resources: ['pods/*'] }, 'pods/exec', 'exec')).toBe(false);
    expect(ruleAllows({ verbs: ['*'], apiGroups: [''], resources: ['pods/*'] }, get('pods', { subresource: 'log' }))).toBe(false);
  });
  it('is case-sensitive', () => {
    expect(resourceMatches({ resources: ['Pods'] }, 'pods', '')).toBe(false);
  });
});

describe('resourceNames', () => {
  const named: PolicyRule = { verbs: ['get', 'list', 'create'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] };
  it('no resourceNames means any name', () => {
    expect(resourceNameMatches({}, 'anything')).toBe(true);
    expect(resourceNameMatches({ resourceNames: [] }, '')).toBe(true);
  });
  it('a listed name matches, case-sensitively', () => {
    expect(ruleAllows(named, get('configmaps', { name: 'settings' }))).toBe(true);
    expect(ruleAllows(named, get('configmaps', { name: 'Settings' }))).toBe(false);
  });
  it('a request without a name (list, create) does not match a rule with resourceNames', () => {
    expect(ruleAllows(named, get('configmaps', { verb: 'list' }))).toBe(false);
    expect(ruleAllows(named, get('configmaps', { verb: 'create' }))).toBe(false);
  });
});

describe('nonResourceURLs', () => {
  it('matches exactly, with * for every URL', () => {
    expect(nonResourceURLMatches({ nonResourceURLs: ['/metrics'] }, '/metrics')).toBe(true);
    expect(nonResourceURLMatches({ nonResourceURLs: ['/metrics'] }, '/metrics/cadvisor')).toBe(false);
    expect(nonResourceURLMatches({ nonResourceURLs: ['*'] }, '/healthz')).toBe(true);
  });
  it('a trailing * is a prefix match', () => {
    expect(nonResourceURLMatches({ nonResourceURLs: ['/healthz/*'] }, '/healthz/etcd')).toBe(true);
    expect(nonResourceURLMatches({ nonResourceURLs: ['/healthz*'] }, '/healthzzz')).toBe(true);
    expect(nonResourceURLMatches({ nonResourceURLs: ['/healthz/*'] }, '/healthz')).toBe(false);
  });
  it('a star in the middle is literal', () => {
    expect(nonResourceURLMatches({ nonResourceURLs: ['/api/*/x'] }, '/api/v1/x')).toBe(false);
  });
  it('needs the verb too, and resource rules never match URLs', () => {
    expect(ruleAllows({ verbs: ['get'], nonResourceURLs: ['/metrics'] }, { verb: 'get', nonResourceURL: '/metrics' })).toBe(true);
    expect(ruleAllows({ verbs: ['get'], nonResourceURLs: ['/metrics'] }, { verb: 'post', nonResourceURL: '/metrics' })).toBe(false);
    expect(ruleAllows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verb: 'get', nonResourceURL: '/metrics' })).toBe(false);
  });
  it('URL rules never match resource requests', () => {
    expect(ruleAllows({ verbs: ['*'], nonResourceURLs: ['*'] }, get('pods'))).toBe(false);
  });
});
