import { Flags } from '@oclif/core';

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
