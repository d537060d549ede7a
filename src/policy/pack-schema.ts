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
    fixes: {
      type: 'array',
      description: "Automatic fixes that rules name in their `fix`: JSON Patch against the finding's source object.",
      items: { $ref: '#/$defs/fix' },
    },
    facts: {
      type: 'array',
      description:
        'Risk facts this pack declares: the RBAC requests that grant each. The RBAC engine evaluates them for every ServiceAccount (ServiceAccountProfile `rbac.factIds`, `rbac.byFact`), and the rules of any pack may test them.',
      items: { $ref: '#/$defs/fact' },
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
          description: 'Id of the fix for this finding: defined under `fixes` in this pack or a built-in one.',
        },
        references: { type: 'array', items: { type: 'string', pattern: '^https?://' } },
        controls: {
          type: 'array',
          description:
            'Controls of a benchmark or standard this rule implements, e.g. { id: CIS-5.1.1, title: … }: shown in policy show, JSON findings, and as SARIF tags.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'title'],
            properties: {
              id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9.]+)+$', description: 'e.g. CIS-5.1.1' },
              title: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
    fix: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'title'],
      oneOf: [{ required: ['patch'] }, { required: ['command'] }],
      properties: {
        id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'Stable fix id that rules name; never reused.' },
        title: { type: 'string', minLength: 1, description: 'What the fix does, in a line: shown in plans.' },
        description: { type: 'string' },
        patch: {
          type: 'array',
          minItems: 1,
          description:
            "RFC 6902 JSON Patch applied to the finding's source object (the ServiceAccount, the Deployment…). `{{dotted.path}}` in path, from and string values quotes the fix context: the rule's target document plus `podSpecPointer` (`/spec/template/spec`, `/spec/jobTemplate/spec/template/spec`…) and `podMetadataPointer` (`/spec/template/metadata`…); a value that is one placeholder keeps its type. `test` operations are preconditions: when one fails the fix is not applied.",
          items: { $ref: '#/$defs/patchOperation' },
        },
        command: {
          type: 'string',
          minLength: 1,
          description:
            'Instead of a patch: the kubectl sa command that makes this fix (a migration that must move pods off a Secret before deleting it). Plans name it; `fix` never applies it.',
        },
        creates: {
          type: 'array',
          description:
            'Objects the fix creates beside the patch (a dedicated ServiceAccount), templated like the patch. An object that exists already is left as it is.',
          items: {
            type: 'object',
            required: ['apiVersion', 'kind', 'metadata'],
            properties: { metadata: { type: 'object', required: ['name'] } },
          },
        },
      },
    },
    patchOperation: {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'path'],
      properties: {
        op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
        path: { type: 'string', description: 'A JSON pointer (RFC 6901) into the source object, may hold placeholders.' },
        from: { type: 'string' },
        value: { description: 'Any JSON value; strings may hold placeholders.' },
        each: {
          type: 'string',
          description:
            'A list of the fix context (dotted path): the operation is repeated for each item, `{{item.…}}` and `{{index}}` quote it.',
        },
        where: { $ref: '#/$defs/schema', description: 'With `each`: only items valid against this schema.' },
      },
      allOf: [
        { if: { properties: { op: { enum: ['add', 'replace', 'test'] } } }, then: { required: ['value'] } },
        { if: { properties: { op: { enum: ['move', 'copy'] } } }, then: { required: ['from'] } },
      ],
    },
    fact: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'summary'],
      properties: {
        id: {
          type: 'string',
          pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
          description: 'Stable, globally unique fact id, e.g. secrets-read; rules test it in `rbac.factIds`.',
        },
        summary: { type: 'string', minLength: 1, description: 'What the fact lets a subject do, as a phrase: "can read Secrets".' },
        scope: {
          enum: ['any', 'cluster'],
          description: '`cluster`: the resources are cluster-scoped, so only ClusterRoleBindings grant the fact. Default `any`.',
        },
        requests: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/request' },
          description: 'The fact holds wherever a grant allows any one of these requests.',
        },
        allOf: {
          type: 'array',
          minItems: 2,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['requests'],
            properties: { requests: { type: 'array', minItems: 1, items: { $ref: '#/$defs/request' } } },
          },
          description: 'The fact holds where every part is allowed, possibly by different grants (CSR approval needs two).',
        },
        impliesOtherFacts: {
          type: 'boolean',
          description:
            'Wherever this fact holds, every other fact about resources holds too (a full wildcard), so findings about them share its root cause.',
        },
      },
      oneOf: [{ required: ['requests'] }, { required: ['allOf'] }],
    },
    request: {
      type: 'object',
      additionalProperties: false,
      required: ['verbs'],
      description:
        'RBAC requests, every combination of the lists: matched with the rules as the authorizer matches them (`*` is literal, as in a request). `resource/*` means any subresource.',
      properties: {
        verbs: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        apiGroups: { type: 'array', minItems: 1, items: { type: 'string' }, description: '`""` is the core group.' },
        resources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        resourceNames: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', minLength: 1 },
          description: 'Only rules that allow one of these names count; without it, names are recorded, not required.',
        },
        nonResourceURLs: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      },
      oneOf: [{ required: ['apiGroups', 'resources'] }, { required: ['nonResourceURLs'] }],
    },
    schema: {
      type: ['object', 'boolean'],
      description: 'A JSON Schema (draft 2020-12) compiled by ajv in strict mode; `pattern` uses RE2 syntax.',
    },
  },
} as const;
