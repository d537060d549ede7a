import type { PolicyRuleDetail, PolicyRuleList, PolicyTargets } from '../app/policy-packs.js';
import { definePrinters } from './printers.js';
import { toYaml } from './serialize.js';
import { renderTable } from './table.js';

export const policyRuleListPrinters = definePrinters<PolicyRuleList>({
  document: (list) => list,
  table: (list) =>
    renderTable(
      ['id', 'severity', 'target', 'pack', 'title'],
      list.items.map((rule) => [rule.id, rule.severity, rule.target, rule.pack, rule.title]),
    ),
});

/** `policy show -o json|yaml`: the rule as written in its pack, with the pack and where it is defined. */
function ruleDocument({ pack, rule }: PolicyRuleDetail) {
  return { pack: { name: pack.name, version: pack.version }, source: rule.source, ...rule.spec };
}

export const policyRulePrinters = definePrinters<PolicyRuleDetail>({
  document: ruleDocument,
  table: ({ pack, rule }) => {
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
      ...(spec.controls?.length ? ['controls:', ...spec.controls.map((control) => `  ${control.id}  ${control.title}`)] : []),
      ...(spec.references?.length ? ['references:', ...spec.references.map((reference) => `  ${reference}`)] : []),
      ...(spec.match === undefined ? [] : ['match:', indent(toYaml(spec.match))]),
      'assert:',
      indent(toYaml(spec.assert)),
    ];
    return `${lines.join('\n').trimEnd()}\n`;
  },
});

/** `policy show --targets`: the derived targets, their schemas and fields, and every declared risk fact. */
export const policyTargetsPrinters = definePrinters<PolicyTargets>({
  document: (targets) => targets,
  table: ({ targets, riskFacts }) =>
    [
      renderTable(
        ['target', 'one per', 'schema'],
        targets.map((target) => [target.name, target.onePer, target.schema]),
      ),
      ...targets.map((target) => `${target.name} fields: ${target.fields.join(', ')}\n  findings name ${target.findingNames}\n`),
      'Any Kubernetes kind is a target too (Secret, ServiceAccount, apps/Deployment, or group/Kind of a custom resource): the object as read.\n',
      `Risk facts (ServiceAccountProfile rbac.factIds, rbac.byFact; declared in packs):\n${renderTable(
        ['id', 'scope', 'pack', 'summary'],
        riskFacts.map((fact) => [fact.id, fact.scope, fact.pack, fact.summary]),
      )}`,
    ].join('\n'),
});

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
