import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { colourOffTerminal, type ColourSupport } from '../../src/cli/oclif-supports-color.js';

const supportsColorPath = createRequire(createRequire(import.meta.url).resolve('@oclif/core/package.json')).resolve('supports-color');

/** supports-color's own answers in a fresh Node with this environment and these arguments, its stdio pipes. */
function supportsColorSays(env: NodeJS.ProcessEnv, argv: string[]): { stdout: unknown; stderr: unknown } {
  const script = `const s = require(${JSON.stringify(supportsColorPath)}); require('node:fs').writeSync(3, JSON.stringify({ stdout: s.stdout, stderr: s.stderr }));`;
  const result = spawnSync(process.execPath, ['-e', script, '--', ...argv], {
    env,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(result.output[3] as string) as { stdout: unknown; stderr: unknown };
}

describe('colourOffTerminal: supports-color for oclif, not loaded off a terminal (src/cli/oclif-supports-color.ts)', () => {
  const pipes = { stdout: { isTTY: false }, stderr: { isTTY: false } };
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, TERM: 'xterm-256color', COLORTERM: 'truecolor' };

  it.each([
    ['nothing that forces colour', {}, []],
    ['NO_COLOR', { NO_COLOR: '1' }, []],
    ['CI', { CI: 'true', GITHUB_ACTIONS: 'true' }, []],
    ['FORCE_COLOR=1', { FORCE_COLOR: '1' }, []],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, []],
    ['FORCE_COLOR empty', { FORCE_COLOR: '' }, []],
    ['Azure Pipelines', { TF_BUILD: 'True', AGENT_NAME: 'hosted' }, []],
    ['--color', {}, ['--color']],
    ['--color=256', {}, ['--color=256']],
    ['--no-color', { FORCE_COLOR: '1' }, ['--no-color']],
  ] as [string, NodeJS.ProcessEnv, string[]][])('answers as supports-color does with pipes and %s', (_what, extra, flags) => {
    const env = { ...base, ...extra };
    const said = supportsColorSays(env, flags);
    let loads = 0;
    const ours = colourOffTerminal(
      () => {
        loads++;
        return said;
      },
      pipes,
      env,
      ['node', 'kubectl-sa', ...flags],
    );
    expect({ stdout: ours.stdout, stderr: ours.stderr }).toEqual(said);
    const forced = 'FORCE_COLOR' in extra || 'TF_BUILD' in extra || flags.length > 0;
    expect(loads > 0).toBe(forced);
  });

  it('asks supports-color itself for a terminal', () => {
    const answer: ColourSupport = { stdout: { level: 2 }, stderr: false };
    let loads = 0;
    const ours = colourOffTerminal(
      () => {
        loads++;
        return answer;
      },
      { stdout: { isTTY: true }, stderr: { isTTY: false } },
      base,
      ['node', 'kubectl-sa'],
    );
    expect(ours.stdout).toEqual({ level: 2 });
    expect(ours.stderr).toBe(false);
    expect(loads).toBe(1);
  });
});
