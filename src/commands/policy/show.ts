import { Args, Command } from '@oclif/core';
import { outputFlag } from '../../cli/flags.js';
import { loadOptionsFrom, policySelectionFlags } from '../../cli/policy-flags.js';
import { UsageError } from '../../errors/kubectl-sa-error.js';
import { loadPolicies } from '../../policy/pack-loader.js';
import { toJson, toYaml } from '../../report/serialize.js';

export default class PolicyShow extends Command {
  static override summary = 'Show one rule: what it checks, its schemas, remediation and where it is defined.';
  static override examples = ['<%= config.bin %> policy show SA001', '<%= config.bin %> policy show RBAC005 -o yaml'];
  static override args = { id: Args.string({ description: 'The rule id, e.g. SA001.', required: true, ignoreStdin: true }) };
  static override flags = { ...policySelectionFlags, ...outputFlag(['table', 'json', 'yaml']) };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(PolicyShow);
    const { packs } = await loadPolicies(loadOptionsFrom(flags));
    const wanted = args.id.toUpperCase();
    const pack = packs.find((candidate) => candidate.rules.some((rule) => rule.id === wanted));
    const rule = pack?.rules.find((candidate) => candidate.id === wanted);
    if (!pack || !rule) throw new UsageError(`no rule with id ${args.id}`, { hint: 'list rules with: kubectl sa policy list' });
    const document = {
      pack: { name: pack.name, version: pack.version },
      source: rule.source,
      ...rule.spec,
    };
    if (flags.output === 'json') return void process.stdout.write(toJson(document));
    if (flags.output === 'yaml') return void process.stdout.write(toYaml(document));
    const { spec } = rule;
    const lines = [
      `${spec.id}  ${spec.title}`,
      `severity:     ${spec.severity}`,
      `target:       ${spec.target}`,
      `pack:         ${pack.name} ${pack.version} (${rule.source.file}:${rule.source.line})`,
      `message:      ${spec.message}`,
      ...(spec.explain ? [`explain:      ${spec.explain}`] : []),
      `remediation:  ${spec.remediation}`,
      ...(spec.fix ? [`fix:          ${spec.fix}`] : []),
      ...(spec.references?.length ? ['references:', ...spec.references.map((reference) => `  ${reference}`)] : []),
      ...(spec.match === undefined ? [] : ['match:', indent(toYaml(spec.match))]),
      'assert:',
      indent(toYaml(spec.assert)),
    ];
    process.stdout.write(`${lines.join('\n').trimEnd()}\n`);
  }
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
