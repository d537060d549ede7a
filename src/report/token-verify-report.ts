import type { CheckResult, TokenVerification } from '../tokens/verify-token.js';
import { renderFields, type Field } from './fields.js';
import { definePrinters } from './printers.js';

const resultWords: Record<CheckResult, string> = { pass: 'ok', fail: 'FAILED', warn: 'warning', skipped: 'not checked' };
const checkLabels = { signature: 'Signature', issuer: 'Issuer', lifetime: 'Lifetime', audience: 'Audience' } as const;

export const tokenVerificationPrinters = definePrinters<TokenVerification>({
  document: (report) => report,
  table: renderTokenVerification,
});

function renderTokenVerification(report: TokenVerification): string {
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
