/** The in-memory shape of a policy pack, as `policies/pack.schema.json` defines it. */
import type { RiskFactDeclaration } from '../rbac/risk-facts.js';

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];

/** Lower is more severe: sorting and `--fail-on` compare ranks. */
export function severityRank(severity: Severity): number {
  // A lookup, not an indexOf: sorting 200,000 findings compares ranks millions of times.
  return ranks.get(severity) ?? -1;
}

const ranks: ReadonlyMap<string, number> = new Map(severities.map((severity, index) => [severity, index]));

export function isSeverity(value: string): value is Severity {
  return (severities as readonly string[]).includes(value);
}

export type JsonSchema = boolean | Readonly<Record<string, unknown>>;

export interface PolicyRuleSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly target: string;
  readonly match?: JsonSchema;
  readonly assert: JsonSchema;
  readonly message: string;
  readonly explain?: string;
  readonly remediation: string;
  readonly fix?: string;
  readonly references?: readonly string[];
  /** Benchmark controls the rule implements (CIS-5.1.1 …). */
  readonly controls?: readonly { readonly id: string; readonly title: string }[];
}

/** One RFC 6902 operation as a pack writes it: path, from and string values may hold `{{placeholders}}`. */
export interface PatchOperationSpec {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
  /** Repeat the operation for every item of this list of the fix context (`{{item.…}}`, `{{index}}` quote it). */
  readonly each?: string;
  /** With `each`: only the items valid against this JSON Schema. */
  readonly where?: JsonSchema;
}

/** A fix as data: a JSON Patch against a finding's source object, with `test` operations as preconditions. */
export interface FixSpec {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly patch?: readonly PatchOperationSpec[];
  /** A fix made by another command (a migration that must move pods off first): named in plans, never applied by `fix`. */
  readonly command?: string;
  /** Objects the fix creates beside the patch (a dedicated ServiceAccount), templated like the patch. */
  readonly creates?: readonly Readonly<Record<string, unknown>>[];
}

export interface PolicyPackSpec {
  readonly apiVersion: 'kubectl-sa.dev/v1';
  readonly kind: 'PolicyPack';
  readonly metadata: { readonly name: string; readonly version: string; readonly description?: string };
  readonly rules: readonly PolicyRuleSpec[];
  readonly fixes?: readonly FixSpec[];
  readonly facts?: readonly RiskFactDeclaration[];
}

/** Where a pack and each of its rules were read from, for error messages and `policy show`. */
export interface PackOrigin {
  readonly file: string;
  readonly line: number;
  /** Line of each rule, by index. */
  readonly ruleLines: readonly number[];
  /** Line of a JSON pointer inside the pack document (for compile errors). */
  readonly lineOf: (pointer: string) => number;
}

export interface LoadedPack {
  readonly spec: PolicyPackSpec;
  readonly origin: PackOrigin;
  readonly builtIn: boolean;
}
