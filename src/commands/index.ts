import type { Command } from '@oclif/core';

/**
 * Every command of kubectl sa, by id (`policy:list` is typed `kubectl sa policy list`), each imported only
 * when oclif runs it or shows its help. oclif takes this list as it is (its "explicit" strategy) instead of
 * searching the disk at each start; the build embeds what help needs to know of every command (its manifest,
 * src/cli/command-plugin.ts), so `kubectl sa version` loads the version command and nothing else.
 *
 * A new command is one file under src/commands/ (its path is its id) plus one line here; a test fails while a
 * command file is missing from this list. What only some runs need and is heavy (the cluster client, Ink,
 * JOSE) is imported with `await import()` where it is used (test/cli/lazy-loading.test.ts).
 */
export const COMMANDS = {
  'can-i': () => import('./can-i.js'),
  fix: () => import('./fix.js'),
  'fix:automount': () => import('./fix/automount.js'),
  'fix:dedicated-sa': () => import('./fix/dedicated-sa.js'),
  'fix:default-sa': () => import('./fix/default-sa.js'),
  help: () => import('./help.js'),
  inventory: () => import('./inventory.js'),
  matrix: () => import('./matrix.js'),
  permissions: () => import('./permissions.js'),
  'policy:list': () => import('./policy/list.js'),
  'policy:show': () => import('./policy/show.js'),
  'policy:test': () => import('./policy/test.js'),
  'policy:validate': () => import('./policy/validate.js'),
  'role:generate': () => import('./role/generate.js'),
  scan: () => import('./scan.js'),
  'token:create': () => import('./token/create.js'),
  'token:inspect': () => import('./token/inspect.js'),
  'token:legacy': () => import('./token/legacy.js'),
  'token:review': () => import('./token/review.js'),
  'token:verify': () => import('./token/verify.js'),
  tui: () => import('./tui.js'),
  usage: () => import('./usage.js'),
  version: () => import('./version.js'),
  'who-can': () => import('./who-can.js'),
} satisfies Record<string, () => Promise<{ default: Command.Class }>>;
