import { dump } from 'js-yaml';

/** JSON as users diff it: two-space indent, trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** YAML as kubectl prints it: block style, no line folding, keys in the order given. */
export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}
