import type { Command } from '@oclif/core';
import CanI from './can-i.js';
import Help from './help.js';
import Inventory from './inventory.js';
import Matrix from './matrix.js';
import Permissions from './permissions.js';
import PolicyList from './policy/list.js';
import PolicyShow from './policy/show.js';
import PolicyTest from './policy/test.js';
import PolicyValidate from './policy/validate.js';
import Scan from './scan.js';
import TokenCreate from './token/create.js';
import TokenInspect from './token/inspect.js';
import TokenLegacy from './token/legacy.js';
import TokenReview from './token/review.js';
import TokenVerify from './token/verify.js';
import Version from './version.js';
import WhoCan from './who-can.js';

/**
 * Every command of kubectl sa, by id (`policy:list` is typed `kubectl sa policy list`). oclif takes this
 * list as it is (its "explicit" strategy) instead of searching the disk at each start, and the bundle and
 * the standalone binaries carry no command files to search.
 *
 * A new command is one file under src/commands/ (its path is its id) plus one line here; a test fails
 * while a command file is missing from this list. Keep command modules light: what only `run()` needs,
 * and anything heavy (the cluster client, Ink, JOSE), is imported inside `run()` with `await import()`,
 * so that `kubectl sa version` or `--help` never loads it.
 */
export const COMMANDS = {
  'can-i': CanI,
  help: Help,
  inventory: Inventory,
  matrix: Matrix,
  permissions: Permissions,
  'policy:list': PolicyList,
  'policy:show': PolicyShow,
  'policy:test': PolicyTest,
  'policy:validate': PolicyValidate,
  scan: Scan,
  'token:create': TokenCreate,
  'token:inspect': TokenInspect,
  'token:legacy': TokenLegacy,
  'token:review': TokenReview,
  'token:verify': TokenVerify,
  version: Version,
  'who-can': WhoCan,
} satisfies Record<string, Command.Class>;
