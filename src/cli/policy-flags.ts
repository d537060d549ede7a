import { Flags } from '@oclif/core';
import type { ExemptionMode } from '../policy/exemptions.js';

/** Flags shared by `scan` and the `policy` commands: which packs and rules take part. */
export const policySelectionFlags = {
  policy: Flags.string({
    description: 'A policy pack file or folder to add to the built-in packs; repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'POLICY',
  }),
  'only-pack': Flags.string({
    description: 'Run only the pack with this name; repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'POLICY',
  }),
  'skip-rule': Flags.string({
    description: 'Do not run the rule with this id; repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'POLICY',
  }),
  'no-builtin': Flags.boolean({ description: 'Do not load the built-in packs (only --policy ones).', default: false, helpGroup: 'POLICY' }),
};

/** Flags of the commands that judge findings (`scan`, `fix`): the exemptions file, and turning exemptions off for audits. */
export const exemptionFlags = {
  exemptions: Flags.string({ description: 'An Exemptions file: rule, object selector, reason, optional expiry.', helpGroup: 'POLICY' }),
  'no-exemptions': Flags.boolean({
    description: 'Honour no exemption, neither the --exemptions file nor kubectl-sa.dev/exempt annotations: for audits (they are counted).',
    default: false,
    helpGroup: 'POLICY',
  }),
  'no-annotation-exemptions': Flags.boolean({
    description: "Ignore the objects' own kubectl-sa.dev/exempt annotations; only the --exemptions file exempts.",
    default: false,
    helpGroup: 'POLICY',
  }),
};

export interface ExemptionValues {
  readonly exemptions?: string | undefined;
  readonly 'no-exemptions'?: boolean | undefined;
  readonly 'no-annotation-exemptions'?: boolean | undefined;
}

/** The judge options the exemption flags make. */
export function exemptionOptionsFrom(flags: ExemptionValues): { exemptionsFile: string | undefined; exemptionMode: ExemptionMode } {
  const none = flags['no-exemptions'] === true;
  return {
    exemptionsFile: flags.exemptions,
    exemptionMode: { file: !none, annotations: !none && flags['no-annotation-exemptions'] !== true },
  };
}

export interface PolicySelectionValues {
  readonly policy?: string[] | undefined;
  readonly 'only-pack'?: string[] | undefined;
  readonly 'skip-rule'?: string[] | undefined;
  readonly 'no-builtin'?: boolean | undefined;
}

export function loadOptionsFrom(flags: PolicySelectionValues) {
  return {
    paths: flags.policy ?? [],
    includeBuiltIn: !flags['no-builtin'],
    onlyPacks: flags['only-pack'] ?? [],
    skipRules: flags['skip-rule'] ?? [],
  };
}
