/**
 * The pack format, as data. `policies/pack.schema.json` is the published copy for editors and pack
 * authors; a test keeps the two identical. Kept in TypeScript so the engine needs no file access.
 */
export const packSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://kubectl-sa.dev/schemas/v1/pack.schema.json',
  title: 'kubectl-sa PolicyPack',
  description:
    'A versioned set of ServiceAccount security rules. Each rule judges one target (a Kubernetes kind or a derived document) with JSON Schemas: `match` says when the rule applies, `assert` what must hold.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'rules'],
  properties: {
    apiVersion: { const: 'kubectl-sa.dev/v1' },
    kind: { const: 'PolicyPack' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: {
        name: {
          type: 'string',
          pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
          description: 'Unique pack name; `--only-pack` selects by it.',
        },
        version: {
          type: 'string',
          pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.-]+)?$',
          description: 'Semantic version of the pack.',
        },
        description: { type: 'string' },
      },
    },
    rules: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/rule' },
    },
  },
  $defs: {
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'title', 'severity', 'target', 'assert', 'message', 'remediation'],
      properties: {
        id: { type: 'string', pattern: '^[A-Z]{1,16}[0-9]{3,4}$', description: 'Stable rule id, e.g. SA001; never reused.' },
        title: { type: 'string', minLength: 1 },
        severity: { enum: ['critical', 'high', 'medium', 'low', 'info'] },
        target: {
          type: 'string',
          pattern: '^([a-z0-9.-]+/)?[A-Z][A-Za-z0-9]*$',
          description:
            'A Kubernetes kind (optionally `group/Kind`, core group as `/Kind` is not needed) or a derived document: Workload, ServiceAccountProfile, Binding, LegacyTokenSecret.',
        },
        match: { $ref: '#/$defs/schema', description: 'When the rule applies; absent means always.' },
        assert: { $ref: '#/$defs/schema', description: 'What must hold; a target that fails it is a finding.' },
        message: { type: 'string', minLength: 1, description: 'Finding message; `{{dotted.path}}` quotes a field of the target.' },
        explain: {
          type: 'string',
          minLength: 1,
          description: "Optional template that replaces the generic explanation built from ajv's errors.",
        },
        remediation: { type: 'string', minLength: 1 },
        fix: {
          type: 'string',
          pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
          description: 'Name of an automatic fix (see the fixes documentation).',
        },
        references: { type: 'array', items: { type: 'string', pattern: '^https?://' } },
      },
    },
    schema: {
      type: ['object', 'boolean'],
      description: 'A JSON Schema (draft 2020-12) compiled by ajv in strict mode; `pattern` uses RE2 syntax.',
    },
  },
} as const;
