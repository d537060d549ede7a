import type { CheckResult, TokenVerification } from '../tokens/verify-token.js';
import { renderFields, type Field } from './fields.js';
import { toJson, toYaml } from './serialize.js';

const resultWords: Record<CheckResult, string> = { pass: 'ok', fail: 'FAILED', warn: 'warning', skipped: 'not checked' };
const checkLabels = { signature: 'Signature', issuer: 'Issuer', lifetime: 'Lifetime', audience: 'Audience' } as const;

export function renderTokenVerification(report: TokenVerification, format: 'table' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(report);
  if (format === 'yaml') return toYaml(report);
  const failed = report.checks.filter((check) => check.result === 'fail').map((check) => checkLabels[check.check].toLowerCase());
  const fields: Field[] = [
    [
      'Result',
      report.valid ? 'VALID offline: signed by the cluster and within its validity window' : `INVALID: ${failed.join(', ')} check failed`,
    ],
    ...report.checks.map((check): Field => [
      checkLabels[check.check],
      check.result === 'skipped' ? check.detail : `${resultWords[check.result]}: ${check.detail}`,
    ]),
    ['Subject', report.token.subject ?? '-'],
    ['Bound to', report.token.boundTo],
  ];
  return `${renderFields(fields)}\nNote: ${report.limits}\n`;
}
