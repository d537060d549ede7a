import { describe, expect, it } from 'vitest';
import { compilePack } from '../../src/policy/compile-pack.js';
import { explainErrors, readablePath } from '../../src/policy/explain.js';
import { parsePath, renderTemplate } from '../../src/policy/message-template.js';
import { policyAjv } from '../../src/policy/policy-ajv.js';

function validatorFor(assert: Record<string, unknown>) {
  const { pack, errors } = compilePack(
    {
      apiVersion: 'kubectl-sa.dev/v1',
      kind: 'PolicyPack',
      metadata: { name: 't', version: '1.0.0' },
      rules: [{ id: 'T001', title: 't', severity: 'low', target: 'Workload', assert, message: 'm', remediation: 'r' }],
    },
    { file: 't.yaml', line: 1, lineOf: () => undefined, builtIn: false },
    { ajv: policyAjv() },
  );
  expect(errors).toEqual([]);
  const validate = pack?.rules[0]?.assert;
  if (!validate) throw new Error('no validator');
  return validate;
}

describe('explanations', () => {
  it('renders a missing pod-spec field where it sits in the real object', () => {
    const validate = validatorFor({
      type: 'object',
      properties: { podSpec: { type: 'object', required: ['automountServiceAccountToken'] } },
    });
    const document = { podSpec: {} };
    expect(validate(document)).toBe(false);
    const details = explainErrors(validate.errors ?? [], { document, podSpecPath: 'spec.template.spec' });
    expect(details).toEqual([
      {
        keyword: 'required',
        instancePath: '/podSpec/automountServiceAccountToken',
        path: 'spec.template.spec.automountServiceAccountToken',
        text: 'spec.template.spec.automountServiceAccountToken is unset',
      },
    ]);
  });

  it('says what was found and what was expected', () => {
    const validate = validatorFor({
      type: 'object',
      properties: {
        a: { const: false },
        n: { type: 'number', maximum: 3600 },
        list: { type: 'array', maxItems: 1 },
        s: { type: 'string', pattern: '^x' },
      },
    });
    const document = { a: true, n: 7200, list: [{ name: 'one' }, { name: 'two' }], s: 'yes' };
    expect(validate(document)).toBe(false);
    const texts = explainErrors(validate.errors ?? [], { document }).map((detail) => detail.text);
    expect(texts).toEqual([
      'a is true, expected false',
      'n is 7200, above the limit of 3600',
      'list has 2 items (one, two), at most 1 allowed',
      's is "yes", which does not match ^x',
    ]);
  });

  it('folds anyOf branches into one sentence', () => {
    const validate = validatorFor({
      anyOf: [
        { type: 'object', required: ['a'] },
        { type: 'object', required: ['b'] },
      ],
    });
    const texts = explainErrors((validate({}), validate.errors ?? []), { document: {} }).map((detail) => detail.text);
    expect(texts).toEqual(['the object matches none of the allowed alternatives']);
  });

  it('quotes keys with dots and slashes readably', () => {
    expect(readablePath(['metadata', 'annotations', 'kubernetes.io/enforce-mountable-secrets'], { document: {} })).toBe(
      "metadata.annotations['kubernetes.io/enforce-mountable-secrets']",
    );
  });
});

describe('message templates', () => {
  const document = {
    metadata: { name: 'web', namespace: 'pay', annotations: { 'eks.amazonaws.com/role-arn': 'arn:x' } },
    list: [{ name: 'a' }, { volume: 'v' }],
    flag: false,
  };

  it('quotes fields by path, lists by name, and unset values visibly', () => {
    expect(renderTemplate('{{metadata.namespace}}/{{metadata.name}}', document)).toBe('pay/web');
    expect(renderTemplate("{{metadata.annotations['eks.amazonaws.com/role-arn']}}", document)).toBe('arn:x');
    expect(renderTemplate('{{list}} {{list.1.volume}} {{flag}} {{missing.field}}', document)).toBe('a, v v false <unset>');
  });

  it('executes nothing: expressions are just paths that do not exist', () => {
    expect(renderTemplate('{{constructor.constructor}} {{__proto__}} {{ process.exit(1) }}', document)).toBe('<unset> <unset> <unset>');
  });

  it('renders optional parts only when the field is set', () => {
    expect(renderTemplate('{{?metadata.name}} {{?nope}} {{?metadata.namespace}}', document)).toBe('web pay');
    expect(renderTemplate('{{nope}}', document)).toBe('<unset>');
  });

  it('parses bracket and dot paths', () => {
    expect(parsePath(`a.b[0]['c.d'].e`)).toEqual(['a', 'b', '0', 'c.d', 'e']);
  });
});
