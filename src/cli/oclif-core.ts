/**
 * What the bundle gets for `import … from '@oclif/core'` (scripts/build.ts resolves the package's root to
 * this file): the same exports, taken from oclif's own entry points. oclif's index.js also runs a Node
 * version check at load that requires semver and its package.json from disk, which a standalone binary has
 * no use for and which every start would pay for. Sources and tests import @oclif/core itself; a test keeps
 * both export lists equal.
 */
export * as Args from '@oclif/core/args';
export { Command } from '@oclif/core/command';
export { Config, Plugin } from '@oclif/core/config';
export * as Errors from '@oclif/core/errors';
export { handle } from '@oclif/core/handle';
export { execute } from '@oclif/core/execute';
export * as Flags from '@oclif/core/flags';
export { flush } from '@oclif/core/flush';
export { CommandHelp, Help, HelpBase, loadHelpClass } from '@oclif/core/help';
export * as Interfaces from '@oclif/core/interfaces';
export { getLogger } from '@oclif/core/logger';
export { run } from '@oclif/core/run';
export * as Parser from '@oclif/core/parser';
export { Performance } from '@oclif/core/performance';
export { settings } from '@oclif/core/settings';
export { toConfiguredId, toStandardizedId } from '@oclif/core/util/ids';
export { ux } from '@oclif/core/ux';
