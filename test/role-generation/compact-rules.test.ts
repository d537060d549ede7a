import { describe, expect, it } from 'vitest';
import { compactPermissions, type PermissionEntry } from '../../src/role-generation/compact-rules.js';
import { permissionsOfRule, ruleCovers, type Permission } from '../../src/role-generation/permission.js';
import type { PolicyRule } from '../../src/inventory/kube-object.js';

const p = (verb: string, resource: string, options: Partial<Permission> = {}): PermissionEntry => ({
  permission: { scope: 'shop', verb, apiGroup: '', resource, name: '', nonResourceURL: '', ...options },
});

/** Every permission the compacted rules grant, to compare with what went in. */
function granted(rules: ReturnType<typeof compactPermissions>): string[] {
  return rules
    .flatMap(({ scope, rule }) => permissionsOfRule(rule, scope))
    .map((perm) => `${perm.scope}|${perm.verb}|${perm.apiGroup}|${perm.resource}|${perm.name}|${perm.nonResourceURL}`)
    .sort();
}

describe('compactPermissions', () => {
  it('merges verbs of one resource, then resources sharing verbs, and never widens', () => {
    const input = [p('list', 'pods'), p('get', 'pods'), p('get', 'services'), p('list', 'services'), p('watch', 'configmaps')];
    const rules = compactPermissions(input);
    expect(rules.map((rule) => rule.rule)).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['watch'] },
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
    ]);
    expect(granted(rules)).toEqual(input.map(({ permission: x }) => `${x.scope}|${x.verb}|${x.apiGroup}|${x.resource}|${x.name}|`).sort());
  });

  it('keeps names apart: a named get and an unnamed list stay two rules, and names merge only when identical', () => {
    const rules = compactPermissions([
      p('get', 'secrets', { name: 'b' }),
      p('get', 'secrets', { name: 'a' }),
      p('update', 'secrets', { name: 'a' }),
      p('update', 'secrets', { name: 'b' }),
      p('list', 'secrets'),
    ]);
    expect(rules.map((rule) => rule.rule)).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['a', 'b'], verbs: ['get', 'update'] },
    ]);
  });

  it('drops a named permission under the unnamed one, and a namespace permission under the same cluster-wide one', () => {
    const rules = compactPermissions([
      p('get', 'pods', { name: 'x' }),
      p('get', 'pods'),
      p('get', 'pods', { scope: '' }),
      p('list', 'pods', { scope: 'other' }),
    ]);
    expect(rules.map(({ scope, rule }) => ({ scope, rule }))).toEqual([
      { scope: '', rule: { apiGroups: [''], resources: ['pods'], verbs: ['get'] } },
      { scope: 'other', rule: { apiGroups: [''], resources: ['pods'], verbs: ['list'] } },
    ]);
  });

  it('lets wildcards absorb what they allow, as RBAC matches them', () => {
    const rules = compactPermissions([p('*', 'pods'), p('get', 'pods'), p('get', 'pods/log'), p('get', '*/log'), p('delete', 'services')]);
    expect(rules.map((rule) => rule.rule)).toEqual([
      { apiGroups: [''], resources: ['*/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['*'] },
      { apiGroups: [''], resources: ['services'], verbs: ['delete'] },
    ]);
  });

  it('merges groups with identical resources and verbs, sorts verbs reads-then-writes, and puts URLs last', () => {
    const rules = compactPermissions([
      p('create', 'deployments', { apiGroup: 'apps' }),
      p('get', 'deployments', { apiGroup: 'apps' }),
      p('get', 'deployments', { apiGroup: 'extensions' }),
      p('create', 'deployments', { apiGroup: 'extensions' }),
      p('get', '', { scope: '', nonResourceURL: '/metrics' }),
      p('get', '', { scope: '', nonResourceURL: '/healthz' }),
    ]);
    expect(rules.map(({ scope, rule }) => ({ scope, rule }))).toEqual([
      { scope: '', rule: { nonResourceURLs: ['/healthz', '/metrics'], verbs: ['get'] } },
      { scope: 'shop', rule: { apiGroups: ['apps', 'extensions'], resources: ['deployments'], verbs: ['get', 'create'] } },
    ]);
  });

  it('gives the same rules whatever the input order', () => {
    const input = [
      p('get', 'pods'),
      p('list', 'pods'),
      p('get', 'secrets', { name: 'tls' }),
      p('patch', 'deployments', { apiGroup: 'apps' }),
      p('update', 'deployments', { apiGroup: 'apps' }),
      p('get', 'nodes', { scope: '' }),
      p('create', 'pods/eviction'),
    ];
    const expected = JSON.stringify(compactPermissions(input));
    for (let shift = 1; shift < input.length; shift++) {
      const rotated = [...input.slice(shift), ...input.slice(0, shift)].reverse();
      expect(JSON.stringify(compactPermissions(rotated))).toBe(expected);
    }
  });

  it('merges provenance: counts add up, the earliest first and latest last seen win, examples by count', () => {
    const seen = (count: number, firstSeen: string, lastSeen: string, text: string) => ({
      count,
      firstSeen,
      lastSeen,
      examples: [{ text, count }],
    });
    const rules = compactPermissions([
      { ...p('get', 'pods', { name: 'a' }), provenance: seen(2, '2024-05-02T00:00:00Z', '2024-05-03T00:00:00Z', 'get pods/a') },
      { ...p('get', 'pods'), provenance: seen(5, '2024-05-01T00:00:00Z', '2024-05-02T00:00:00Z', 'get pods/b') },
      { ...p('list', 'pods'), provenance: seen(1, '2024-05-04T00:00:00Z', '2024-05-04T00:00:00Z', 'list pods') },
    ]);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.provenance).toEqual({
      count: 8,
      firstSeen: '2024-05-01T00:00:00Z',
      lastSeen: '2024-05-04T00:00:00Z',
      examples: [
        { text: 'get pods/b', count: 5 },
        { text: 'get pods/a', count: 2 },
        { text: 'list pods', count: 1 },
      ],
    });
  });
});

describe('ruleCovers', () => {
  const rule = (value: PolicyRule) => value;
  it('answers as the authorizer: * only covers by *, names need the rule to list them or none', () => {
    const perm = (verb: string, resource: string, name = ''): Permission => ({
      scope: 'ns',
      verb,
      apiGroup: '',
      resource,
      name,
      nonResourceURL: '',
    });
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), perm('*', 'pods'))).toBe(false);
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['pods'], verbs: ['*'] }), perm('*', 'pods'))).toBe(true);
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['*'], verbs: ['get'] }), perm('get', 'pods/log'))).toBe(true);
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), perm('get', 'pods/log'))).toBe(false);
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['pods'], resourceNames: ['a'], verbs: ['get'] }), perm('get', 'pods'))).toBe(
      false,
    );
    expect(ruleCovers(rule({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), perm('get', 'pods', 'a'))).toBe(true);
  });
});
