import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// What kubectl-sa says it does, where users first read it (npm, krew, the README, `kubectl sa --help`), must be
// what this version does: it may claim to fix problems, or to migrate legacy tokens, only once a command does.
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const commandFiles = (function walk(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [path.join(folder, entry.name), ...walk(path.join(folder, entry.name))] : [path.join(folder, entry.name)],
  );
})(path.join(root, 'src', 'commands')).map((file) => path.relative(path.join(root, 'src', 'commands'), file));
const hasCommand = (word: RegExp) => commandFiles.some((file) => word.test(file));
/** A flag of that name on some command (`token legacy --migrate`). */
const hasFlag = (name: string) =>
  commandFiles.some(
    (file) => file.endsWith('.ts') && new RegExp(`^\\s*'?${name}'?: Flags\\.`, 'm').test(read(path.join('src', 'commands', file))),
  );

function claims(): [string, string][] {
  const pkg = JSON.parse(read('package.json')) as { description: string; oclif: { topics?: Record<string, { description: string }> } };
  const krew = load(read('krew-manifest.yaml')) as { spec: { shortDescription: string; description: string } };
  const readme = read('README.md');
  const whatItIs = readme.slice(readme.indexOf('## What it is'), readme.indexOf('|', readme.indexOf('## What it is')));
  return [
    ['package.json description', pkg.description],
    ...Object.entries(pkg.oclif.topics ?? {}).map(([topic, { description }]): [string, string] => [
      `package.json topic ${topic}`,
      description,
    ]),
    ['krew-manifest.yaml shortDescription', krew.spec.shortDescription],
    ['krew-manifest.yaml description', krew.spec.description],
    ['README.md "What it is"', whatItIs],
  ];
}

describe('what kubectl-sa claims to do', () => {
  it('reads every claim', () => {
    expect(claims().every(([, text]) => text.length > 20)).toBe(true);
  });

  it.each(claims())('%s claims fixes or migrations only if a command makes them', (_where, text) => {
    if (!hasCommand(/(^|\/)fix(\/|\.ts$)/)) expect(text).not.toMatch(/\bfix(es|ing)?\b/i);
    if (!hasCommand(/migrate/) && !hasFlag('migrate')) expect(text).not.toMatch(/\bmigrat/i);
  });

  it('knows the commands and their flags', () => {
    expect(commandFiles).toEqual(expect.arrayContaining(['scan.ts', 'token/create.ts']));
    expect(hasFlag('subresource')).toBe(true);
    expect(hasFlag('no-such-flag')).toBe(false);
  });
});
