import type { PolicyPackError } from '../errors/kubectl-sa-error.js';
import { formatValidator } from './precompiled-validators.js';
import type { Exemption } from './exemptions.js';
import { formatErrors, type PositionedDocument } from './schema-errors.js';

/** The `--exemptions FILE` format (documented in docs/policies.md). */
export const exemptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'exemptions'],
  properties: {
    apiVersion: { const: 'kubectl-sa.dev/v1' },
    kind: { const: 'Exemptions' },
    metadata: { type: 'object' },
    exemptions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rules', 'object', 'reason'],
        properties: {
          rules: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(\\*|[A-Z]{1,16}[0-9]{3,4})$' } },
          object: {
            type: 'object',
            additionalProperties: false,
            properties: { kind: { type: 'string' }, namespace: { type: 'string' }, name: { type: 'string' } },
          },
          reason: { type: 'string', minLength: 1 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:\\d{2}))?$' },
        },
      },
    },
  },
} as const;

/** Pure: one exemptions document → exemptions with their file:line, or the format problems. */
export function parseExemptions(document: PositionedDocument): { exemptions: Exemption[]; errors: PolicyPackError[] } {
  const errors = formatErrors(formatValidator('exemptions'), document, 'Exemptions');
  if (errors.length > 0) return { exemptions: [], errors };
  const value = document.value as { exemptions: Omit<Exemption, 'source'>[] };
  const exemptions = value.exemptions.map((exemption, index) => ({
    ...exemption,
    source: { file: document.file, line: document.lineOf(`/exemptions/${index}`) ?? document.line },
  }));
  return { exemptions, errors: [] };
}
