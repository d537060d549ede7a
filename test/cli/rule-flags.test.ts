import { describe, expect, it } from 'vitest';
import { permissionsOfSpecs } from '../../src/app/role-rules.js';
import { ruleSpecsOf } from '../../src/cli/rule-flags.js';
import { UsageError } from '../../src/errors/kubectl-sa-error.js';
import { loadApiResources } from '../../src/sources/kube-data.js';

const flag = (name: string, input: string) => ({ type: 'flag', flag: name, input });
const resources = loadApiResources().resources;

describe('ruleSpecsOf: kubectl create role flags, repeatable', () => {
  it('a --verb after a --resource starts the next rule', () => {
    expect(
      ruleSpecsOf([
        flag('verb', 'get,list'),
        flag('resource', 'pods,services'),
        flag('verb', 'create'),
        flag('resource', 'deployments.apps'),
      ]),
    ).toEqual([
      { verbs: ['get', 'list'], resources: ['pods', 'services'], resourceNames: [], nonResourceURLs: [] },
      { verbs: ['create'], resources: ['deployments.apps'], resourceNames: [], nonResourceURLs: [] },
    ]);
  });

  it("keeps kubectl's spellings of one rule: repeated flags, any order", () => {
    const one = { verbs: ['get', 'list'], resources: ['pods', 'secrets'], resourceNames: ['a'], nonResourceURLs: [] };
    expect(
      ruleSpecsOf([
        flag('verb', 'get'),
        flag('verb', 'list'),
        flag('resource', 'pods'),
        flag('resource', 'secrets'),
        flag('resource-name', 'a'),
      ]),
    ).toEqual([one]);
    expect(
      ruleSpecsOf([flag('resource', 'pods'), flag('resource-name', 'a'), flag('verb', 'get,list'), flag('resource', 'secrets')]),
    ).toEqual([{ ...one, resources: ['pods', 'secrets'] }]);
    expect(ruleSpecsOf([{ type: 'arg', input: 'x' }, flag('output', 'yaml')])).toEqual([]);
  });
});

describe('permissionsOfSpecs', () => {
  const spec = (verbs: string[], typed: string[], extra: { resourceNames?: string[]; nonResourceURLs?: string[] } = {}) => ({
    verbs,
    resources: typed,
    resourceNames: extra.resourceNames ?? [],
    nonResourceURLs: extra.nonResourceURLs ?? [],
  });

  it('resolves TYPEs as kubectl does and puts cluster-scoped resources and URLs cluster-wide', () => {
    const { entries, warnings } = permissionsOfSpecs(
      [spec(['get'], ['deploy', 'pods/log', 'nodes']), spec(['get'], [], { nonResourceURLs: ['/metrics'] })],
      'shop',
      resources,
    );
    expect(
      entries.map(({ permission }) => [permission.scope, permission.apiGroup, permission.resource, permission.nonResourceURL]),
    ).toEqual([
      ['shop', 'apps', 'deployments', ''],
      ['shop', '', 'pods/log', ''],
      ['', '', 'nodes', ''],
      ['', '', '', '/metrics'],
    ]);
    expect(warnings).toEqual(['nodes is not namespaced: it is granted cluster-wide, by the ClusterRole']);
  });

  it.each([
    [[spec([], ['pods'])], 'the rule has no --verb'],
    [[spec(['get'], [])], 'the rule (--verb get) has no --resource or --non-resource-url'],
    [[spec(['fetch'], ['pods'])], 'invalid verb "fetch"'],
    [[spec(['post'], [], { nonResourceURLs: ['healthz'] })], 'invalid --non-resource-url "healthz": it must start with /'],
    [
      [spec(['create', 'get'], ['pods'], { resourceNames: ['a'] })],
      expect.stringMatching(/^the rule: --resource-name cannot limit create/),
    ],
    [[spec(['get'], ['podz'])], 'the server doesn\'t have a resource type "podz"'],
  ])('refuses %j: %s', (specs, message) => {
    const error = (() => {
      try {
        permissionsOfSpecs(specs, 'shop', resources);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toEqual(message);
  });

  it('takes a RESOURCE.GROUP no discovery knows as typed, with a warning', () => {
    const { entries, warnings } = permissionsOfSpecs([spec(['get'], ['widgets.example.com'])], 'shop', resources);
    expect(entries[0]?.permission).toMatchObject({ apiGroup: 'example.com', resource: 'widgets', scope: 'shop' });
    expect(warnings[0]).toMatch(/doesn't have a resource type 'widgets' in group 'example.com'/);
  });
});
