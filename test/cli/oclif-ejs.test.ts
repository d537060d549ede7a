import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Interfaces } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { commandManifest } from '../../src/cli/command-plugin.js';
import { tagsOnlyEjs, type TemplateEngine } from '../../src/cli/oclif-ejs.js';
import { repoRoot } from '../helpers/cli.js';

const ejs = createRequire(import.meta.url)('ejs') as TemplateEngine;

/** Every text of a manifest that oclif's help renders: summaries, descriptions, examples, flags', args'. */
function helpTexts(manifest: Interfaces.Manifest): string[] {
  return Object.values(manifest.commands).flatMap((command) => [
    command.summary ?? '',
    command.description ?? '',
    ...(command.examples ?? []).map((example) => (typeof example === 'string' ? example : `${example.description}\n${example.command}`)),
    ...Object.values(command.flags).flatMap((flag) => [flag.summary ?? '', flag.description ?? '']),
    ...Object.values(command.args).map((arg) => arg.description ?? ''),
  ]);
}

describe("tagsOnlyEjs: ejs for oclif's help, asked only for texts with a tag (src/cli/oclif-ejs.ts)", () => {
  const data = { config: { bin: 'kubectl sa', dirname: 'kubectl-sa' }, command: { id: 'scan' } };

  it('renders every text of the commands’ help as ejs does, and loads ejs only for those with a tag', async () => {
    const pjson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Interfaces.PJSON;
    const texts = helpTexts(await commandManifest(pjson, repoRoot));
    let asked = 0;
    const engine = tagsOnlyEjs(() => {
      asked++;
      return ejs;
    });
    for (const text of texts) expect(engine.render(text, data)).toBe(ejs.render(text, data));
    const tagged = texts.filter((text) => text.includes('<%'));
    expect(tagged.length).toBeGreaterThan(10);
    expect(texts.length).toBeGreaterThan(tagged.length * 2);
    expect(asked).toBe(tagged.length);
  });

  it('gives texts that only look like ejs to ejs: closing tags, escaped openings, line ends', () => {
    for (const text of ['100%> done', 'a <%% b %%> c', 'line\r\nline\\n', '<%= config.bin %> scan -f -', '<%- "x" -%>\n', '']) {
      expect(tagsOnlyEjs(() => ejs).render(text, data)).toBe(ejs.render(text, data));
    }
  });
});
