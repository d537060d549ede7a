import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { quietDebug, type DebugFactory } from '../../src/cli/oclif-debug.js';
import { repoRoot } from '../helpers/cli.js';

// The real `debug` package, as the bundle's oclif gets it when DEBUG is set; its loggers write through `log`.
const realDebug = (): DebugFactory => createRequire(import.meta.url)('debug') as DebugFactory;

describe('quietDebug: debug for oclif, loaded only when DEBUG is set (src/cli/oclif-debug.ts)', () => {
  it('with DEBUG unset or empty, gives loggers that are off and write nothing, without loading the package', () => {
    for (const env of [{}, { DEBUG: '' }]) {
      const factory = quietDebug(() => {
        throw new Error('debug loaded');
      }, env);
      const logger = factory('oclif:config');
      expect(logger.enabled).toBe(false);
      expect(logger.namespace).toBe('oclif:config');
      expect(logger.extend('plugin').namespace).toBe('oclif:config:plugin');
      expect(logger('config done %s', 'now')).toBeUndefined();
    }
  });

  it('with DEBUG set, is the package itself: its loggers are on for the namespaces DEBUG names', () => {
    const real = realDebug();
    const factory = quietDebug(() => real, { DEBUG: 'oclif:*' });
    expect(factory).toBe(real);
  });

  it('agrees with the package, whose loggers are all off when DEBUG is unset or empty', () => {
    for (const env of [{}, { DEBUG: '' }]) {
      const enabled = execFileSync(
        process.execPath,
        ['-e', 'process.stdout.write(String(Boolean(require("debug")("oclif:config").enabled)))'],
        {
          cwd: repoRoot,
          env: { PATH: process.env.PATH, ...env },
          encoding: 'utf8',
        },
      );
      expect(enabled).toBe('false');
    }
    const on = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(Boolean(require("debug")("oclif:config").enabled)))'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, DEBUG: 'oclif:*' },
      encoding: 'utf8',
    });
    expect(on).toBe('true');
  });
});
