import type { TimeClaim, TokenInspection } from '../app/token-inspect.js';
import type { NamedObject } from '../tokens/token-claims.js';
import { renderFields, type Field } from './fields.js';
import { definePrinters } from './printers.js';

const kindWords = {
  bound: 'bound ServiceAccount token (TokenRequest API)',
  legacy: 'LEGACY ServiceAccount token (from a Secret, never expires)',
  other: 'JWT (not a Kubernetes ServiceAccount token)',
} as const;

/** `token inspect`: -o json|yaml print the TokenInspection itself; the table is kubectl-describe style. */
export const tokenInspectionPrinters = definePrinters<TokenInspection>({
  document: (inspection) => inspection,
  table: renderTokenInspection,
});

export function renderTokenInspection(inspection: TokenInspection): string {
  const { header, claims, kubernetes } = inspection;
  const fields: Field[] = [
    ['Token', kindWords[inspection.tokenKind]],
    ['Verified', 'no: decoded only (kubectl sa token verify checks the signature, kubectl sa token review asks the API server)'],
    ['Algorithm', header.alg ?? '-'],
    ['Key ID', header.kid ?? '-'],
    ['Issuer', claims.iss ?? '-'],
    ['Subject', claims.sub ?? '-'],
    ['Audiences', claims.aud.length > 0 ? claims.aud.join(', ') : '-'],
    ['Issued at', when(claims.iat)],
    ['Not before', when(claims.nbf)],
    ['Expires', claims.exp ? `${claims.exp.time} (${inspection.lifetime.summary})` : inspection.lifetime.summary],
    ['Token ID', claims.jti],
  ];
  if (kubernetes) {
    fields.push(
      ['Namespace', kubernetes.namespace ?? '-'],
      ['ServiceAccount', named(kubernetes.serviceAccount)],
      ['Bound to pod', kubernetes.pod ? named(kubernetes.pod) : null],
      ['Bound to secret', kubernetes.secret && inspection.tokenKind !== 'legacy' ? named(kubernetes.secret) : null],
      ['Stored in secret', kubernetes.secret && inspection.tokenKind === 'legacy' ? named(kubernetes.secret) : null],
      ['Node', kubernetes.node ? named(kubernetes.node) : null],
      [
        'Refresh after',
        kubernetes.warnAfterTime
          ? `${kubernetes.warnAfterTime.time} (${kubernetes.warnAfterTime.relative}; the kubelet replaces projected tokens from then on)`
          : null,
      ],
    );
  }
  const other = Object.keys(inspection.otherClaims);
  if (other.length > 0) fields.push(['Other claims', other.sort().join(', ')]);
  const warnings = inspection.warnings.map((warning) => `Warning: ${warning}\n`).join('');
  return renderFields(fields) + warnings;
}

function when(claim: TimeClaim | null): string | null {
  return claim ? `${claim.time} (${claim.relative})` : null;
}

function named(object: NamedObject | null): string {
  if (!object) return '-';
  return object.uid ? `${object.name} (uid ${object.uid})` : object.name;
}
