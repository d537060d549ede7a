import { Flags } from '@oclif/core';
import { fixActionFlags } from './fix-flags.js';
import { clusterFlags, inputFlags, outputFlag, rbacFlags } from './flags.js';
import { fixPrinters } from '../report/fix-report.js';

/** What `fix default-sa`, `fix automount` and `fix dedicated-sa` share: input, cluster, the fix actions and -o. */
export const targetedFixFlags = {
  ...inputFlags,
  ...clusterFlags,
  ...fixActionFlags,
  ...outputFlag(fixPrinters.formats),
  policy: Flags.string({
    description: 'A policy pack whose fixes replace the built-in ones of the same id; repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'POLICY',
  }),
  ...rbacFlags,
};
