import type { TokenReviewReport } from '../app/token-review.js';
import { renderFields } from './fields.js';
import { definePrinters } from './printers.js';

export const tokenReviewPrinters = definePrinters<TokenReviewReport>({ document: (report) => report, table: renderTokenReview });

function renderTokenReview(report: TokenReviewReport): string {
  const extra = Object.entries(report.user?.extra ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, values]) => `${key}=${values.join(',')}`);
  return renderFields([
    ['Authenticated', report.authenticated ? 'yes' : 'no'],
    ['Reason', report.reason],
    ['User', report.user?.username ?? null],
    ['UID', report.user?.uid ?? null],
    ['Groups', report.user && report.user.groups.length > 0 ? report.user.groups.join(', ') : null],
    ['Extra', extra.length > 0 ? extra.join('; ') : null],
    ['Audiences', report.audiences.length > 0 ? report.audiences.join(', ') : report.authenticated ? '-' : null],
    ['Checked for', report.requestedAudiences.length > 0 ? report.requestedAudiences.join(', ') : "the API server's own audiences"],
  ]);
}
