/**
 * kubectl's duration syntax (`30s`, `1m30s`, `2h`, `250ms`, a bare number of seconds) in milliseconds, as
 * `--request-timeout` and `token create --duration` take it: undefined for 0 or nothing (no limit), NaN when
 * it is not a duration.
 */
export function parseDuration(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === '0') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h)/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) return Number.NaN;
    total += Number(match[1]) * (unitMs[match[2] ?? 's'] ?? 1000);
    rest = rest.slice(match[0].length);
  }
  return total === 0 ? undefined : total;
}
