/**
 * `role generate --verb … --resource …`, kubectl create role's flags, with one addition: rules repeat.
 * Each `--verb` after a rule already has resources starts the next rule, so
 *
 *   --verb get,list --resource pods,services --verb create --resource deployments.apps
 *
 * is two rules, while kubectl's own spellings (`--verb=get --verb=list --resource=pods`, flags in any
 * order for one rule) keep meaning what they mean to kubectl.
 */
import { Flags } from '@oclif/core';

export const ruleFlags = {
  verb: Flags.string({
    description:
      'Verbs of the rule, comma-separated (get,list,watch,create,update,patch,delete…); a --verb after a --resource starts a new rule.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'RULES',
  }),
  resource: Flags.string({
    description: 'Resources of the rule: TYPE[.GROUP][/SUBRESOURCE], comma-separated (pods, deployments.apps, pods/log).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'RULES',
  }),
  'resource-name': Flags.string({
    description: 'Limit the rule to these object names, comma-separated (never for create).',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'RULES',
  }),
  'non-resource-url': Flags.string({
    description: 'Non-resource URLs of the rule (/healthz, /metrics, /logs/*); always cluster-wide.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'RULES',
  }),
};

import type { RuleSpec } from '../app/role-rules.js';

interface Token {
  readonly type: string;
  readonly flag?: string;
  readonly input: string;
}

const ruleFlagNames = new Set(['verb', 'resource', 'resource-name', 'non-resource-url']);

/** The rules the flags spell, in order, from oclif's raw tokens (which keep the order flags were typed in). */
export function ruleSpecsOf(tokens: readonly Token[]): RuleSpec[] {
  const specs: { verbs: string[]; resources: string[]; resourceNames: string[]; nonResourceURLs: string[] }[] = [];
  let current: (typeof specs)[number] | undefined;
  let lastFlag = '';
  for (const token of tokens) {
    if (token.type !== 'flag' || !token.flag || !ruleFlagNames.has(token.flag)) continue;
    const values = token.input
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    const hasTargets = current !== undefined && (current.resources.length > 0 || current.nonResourceURLs.length > 0);
    if (!current || (token.flag === 'verb' && hasTargets && current.verbs.length > 0 && lastFlag !== 'verb')) {
      current = { verbs: [], resources: [], resourceNames: [], nonResourceURLs: [] };
      specs.push(current);
    }
    if (token.flag === 'verb') current.verbs.push(...values);
    else if (token.flag === 'resource') current.resources.push(...values);
    else if (token.flag === 'resource-name') current.resourceNames.push(...values);
    else current.nonResourceURLs.push(...values);
    lastFlag = token.flag;
  }
  return specs;
}
