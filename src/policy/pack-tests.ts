import type { PolicyPackError } from '../errors/kubectl-sa-error.js';
import { Coverage } from '../inventory/coverage.js';
import { buildInventory, type Inventory, type InventoryOrigin } from '../inventory/inventory.js';
import type { CompiledPack } from './compile-pack.js';
import { formatValidator } from './precompiled-validators.js';
import type { DerivedOptions, RbacView } from './derived/scan-context.js';
import { evaluatePolicies } from './evaluate.js';
import type { Finding } from './finding.js';
import { formatErrors, type PositionedDocument } from './schema-errors.js';

/**
 * Pack fixture tests, like `kyverno test`: each case is a set of objects plus the findings they must and
 * must not produce. `kubectl sa policy test` and the vitest suite run the same cases.
 */
export const packTestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'pack', 'cases'],
  properties: {
    apiVersion: { const: 'kubectl-sa.dev/v1' },
    kind: { const: 'PolicyPackTest' },
    metadata: { type: 'object' },
    pack: { type: 'string', minLength: 1 },
    now: { type: 'string', minLength: 10 },
    cases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'objects'],
        properties: {
          name: { type: 'string', minLength: 1 },
          origin: { enum: ['files', 'cluster'] },
          objects: { type: 'array', items: { type: 'object' } },
          auditEvents: {
            type: 'array',
            description: 'audit.k8s.io/v1 Events, as kube-apiserver logs them: the usage facts of the case (as scan --audit-log)',
            items: { type: 'object' },
          },
          expect: { type: 'array', items: { $ref: '#/$defs/expectation' } },
          expectNot: { type: 'array', items: { $ref: '#/$defs/expectation' } },
        },
      },
    },
  },
  $defs: {
    expectation: {
      type: 'object',
      additionalProperties: false,
      required: ['rule'],
      properties: {
        rule: { type: 'string' },
        object: { type: 'string', description: 'Kind/namespace/name or Kind/name' },
        messageIncludes: { type: 'string' },
        messageExcludes: { type: 'string' },
      },
    },
  },
} as const;

export interface Expectation {
  readonly rule: string;
  readonly object?: string;
  readonly messageIncludes?: string;
  /** The message and explanation must not contain this: a finding names only what is wrong. */
  readonly messageExcludes?: string;
}

export interface PackTestCase {
  readonly name: string;
  readonly origin?: InventoryOrigin;
  readonly objects: readonly unknown[];
  /** Audit events the case's usage facts come from; without them profiles carry no `usage`. */
  readonly auditEvents?: readonly unknown[];
  readonly expect?: readonly Expectation[];
  readonly expectNot?: readonly Expectation[];
  readonly line: number;
}

export interface PackTestSuite {
  readonly pack: string;
  readonly now?: string;
  readonly file: string;
  readonly cases: readonly PackTestCase[];
}

export interface PackTestResult {
  readonly suite: PackTestSuite;
  readonly testCase: PackTestCase;
  readonly failures: readonly string[];
}

export function parsePackTestSuite(document: PositionedDocument): { suite?: PackTestSuite; errors: PolicyPackError[] } {
  const errors = formatErrors(formatValidator('packTest'), document, 'PolicyPackTest');
  if (errors.length > 0) return { errors };
  const value = document.value as Omit<PackTestSuite, 'file'> & { cases: Omit<PackTestCase, 'line'>[] };
  return {
    suite: {
      pack: value.pack,
      ...(value.now ? { now: value.now } : {}),
      file: document.file,
      cases: value.cases.map((testCase, index) => ({ ...testCase, line: document.lineOf(`/cases/${index}`) ?? document.line })),
    },
    errors: [],
  };
}

export interface RunPackTestsOptions {
  /** Builds the RBAC view for a case's inventory; absent when no RBAC engine is wired. */
  readonly rbacFor?: (inventory: Inventory) => RbacView;
  /** Builds the usage facts of a case that lists audit events. */
  readonly usageFor?: (inventory: Inventory, auditEvents: readonly unknown[]) => NonNullable<DerivedOptions['usage']>;
  /** "Now" for suites that name none. */
  readonly now?: Date;
}

/** Runs every case of every suite against the pack it names. Pure. */
export function runPackTests(
  packs: readonly CompiledPack[],
  suites: readonly PackTestSuite[],
  options: RunPackTestsOptions = {},
): PackTestResult[] {
  const results: PackTestResult[] = [];
  for (const suite of suites) {
    const pack = packs.find((candidate) => candidate.name === suite.pack);
    for (const testCase of suite.cases) {
      if (!pack) {
        results.push({ suite, testCase, failures: [`no loaded pack is named ${suite.pack}`] });
        continue;
      }
      const inventory = buildInventory(
        testCase.objects.map((value) => ({ value })),
        // A cluster case stands for a read that listed everything: what it lacks does not exist.
        {
          defaultNamespace: 'default',
          origin: testCase.origin ?? 'files',
          ...(testCase.origin === 'cluster' ? { coverage: Coverage.everythingListed } : {}),
        },
      );
      const now = suite.now ? new Date(suite.now) : (options.now ?? new Date());
      const rbac = options.rbacFor?.(inventory);
      let usage: DerivedOptions['usage'];
      if (testCase.auditEvents) {
        try {
          if (!options.usageFor) throw new Error('this runner cannot build usage facts from audit events');
          usage = options.usageFor(inventory, testCase.auditEvents);
        } catch (error) {
          results.push({ suite, testCase, failures: [error instanceof Error ? error.message : String(error)] });
          continue;
        }
      }
      const { findings } = evaluatePolicies(inventory, [pack], { now, ...(rbac ? { rbac } : {}), ...(usage ? { usage } : {}) });
      results.push({ suite, testCase, failures: checkExpectations(testCase, findings) });
    }
  }
  return results;
}

function checkExpectations(testCase: PackTestCase, findings: readonly Finding[]): string[] {
  const failures: string[] = [];
  for (const expectation of testCase.expect ?? []) {
    if (!findings.some((finding) => satisfies(finding, expectation))) {
      const got = findings.filter((finding) => finding.ruleId === expectation.rule).map(describeFinding);
      failures.push(
        `expected ${describeExpectation(expectation)}; got ${got.length === 0 ? `no ${expectation.rule} finding` : got.join(', ')}`,
      );
    }
  }
  for (const expectation of testCase.expectNot ?? []) {
    const unwanted = findings.filter((finding) => satisfies(finding, expectation));
    if (unwanted.length > 0)
      failures.push(`expected no ${describeExpectation(expectation)}; got ${unwanted.map(describeFinding).join(', ')}`);
  }
  return failures;
}

function satisfies(finding: Finding, expectation: Expectation): boolean {
  if (finding.ruleId !== expectation.rule) return false;
  if (expectation.object !== undefined && !objectMatches(finding, expectation.object)) return false;
  const text = `${finding.message} ${finding.explanation}`;
  if (expectation.messageIncludes !== undefined && !text.includes(expectation.messageIncludes)) return false;
  if (expectation.messageExcludes !== undefined && text.includes(expectation.messageExcludes)) return false;
  return true;
}

function objectMatches(finding: Finding, wanted: string): boolean {
  const { kind, namespace, name } = finding.object;
  return wanted === `${kind}/${namespace ?? ''}/${name}` || (namespace === undefined && wanted === `${kind}/${name}`);
}

function describeFinding(finding: Finding): string {
  const { kind, namespace, name } = finding.object;
  return `${finding.ruleId} on ${kind}/${namespace ? `${namespace}/` : ''}${name}`;
}

function describeExpectation(expectation: Expectation): string {
  return `${expectation.rule}${expectation.object ? ` on ${expectation.object}` : ''}${expectation.messageIncludes ? ` mentioning "${expectation.messageIncludes}"` : ''}${expectation.messageExcludes ? ` not mentioning "${expectation.messageExcludes}"` : ''}`;
}
