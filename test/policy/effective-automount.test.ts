import { describe, expect, it } from 'vitest';
import { effectiveAutomount } from '../../src/policy/effective-automount.js';
import { scanObjects } from './scan-helper.js';

// The precedence table of the coverage checklist, row by row: the pod field wins when set; otherwise the
// ServiceAccount's; unset on both means mounted.
const table: [sa: boolean | undefined, pod: boolean | undefined, mounted: boolean, decidedBy: string][] = [
  [undefined, undefined, true, 'default'],
  [true, undefined, true, 'serviceAccount'],
  [true, true, true, 'pod'],
  [true, false, false, 'pod'],
  [false, undefined, false, 'serviceAccount'],
  [false, true, true, 'pod'],
  [false, false, false, 'pod'],
  [undefined, false, false, 'pod'],
  [undefined, true, true, 'pod'],
];

describe('effectiveAutomount', () => {
  for (const [sa, pod, mounted, decidedBy] of table) {
    it(`SA ${String(sa)}, pod ${String(pod)} → ${mounted ? 'mounted' : 'not mounted'} (${decidedBy})`, () => {
      expect(effectiveAutomount(pod, sa)).toMatchObject({ mounted, decidedBy });
    });
  }

  it('treats values the API server would reject (a quoted "false") as unset', () => {
    expect(effectiveAutomount('false', 'false')).toMatchObject({ mounted: true, decidedBy: 'default' });
  });

  for (const [sa, pod, mounted] of table) {
    it(`Workload document agrees for SA ${String(sa)}, pod ${String(pod)}`, () => {
      const { findings } = scanObjects([
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'app', namespace: 'a' },
          ...(sa === undefined ? {} : { automountServiceAccountToken: sa }),
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'a' },
          spec: {
            template: {
              spec: { serviceAccountName: 'app', containers: [], ...(pod === undefined ? {} : { automountServiceAccountToken: pod }) },
            },
          },
        },
      ]);
      // SA003 fires exactly when the token is mounted: the SA has no permissions.
      expect(findings.some((finding) => finding.ruleId === 'SA003')).toBe(mounted);
    });
  }
});
