import type { TokenClaims } from './token-claims.js';

/**
 * Where a token stands in time: `never-expires` is a legacy Secret token (or any token without `exp`),
 * which stays valid until its Secret or ServiceAccount is deleted.
 */
export type LifetimeState = 'valid' | 'expired' | 'not-yet-valid' | 'never-expires';

export interface TokenLifetime {
  readonly state: LifetimeState;
  /** In words, relative to now: "expires in 47 min", "expired 3 days ago", "never expires". */
  readonly summary: string;
  /** Seconds from now until exp (negative once expired); null without exp. */
  readonly secondsLeft: number | null;
  /** exp − iat: the lifetime the token was issued with; null when either is missing. */
  readonly lifetimeSeconds: number | null;
}

export function tokenLifetime(claims: TokenClaims, now: Date): TokenLifetime {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const lifetimeSeconds = claims.expiresAt !== null && claims.issuedAt !== null ? claims.expiresAt - claims.issuedAt : null;
  if (claims.notBefore !== null && claims.notBefore > nowSeconds) {
    return {
      state: 'not-yet-valid',
      summary: `not valid until ${inWords(claims.notBefore - nowSeconds)} from now`,
      secondsLeft: secondsLeft(claims, nowSeconds),
      lifetimeSeconds,
    };
  }
  if (claims.expiresAt === null) return { state: 'never-expires', summary: 'never expires', secondsLeft: null, lifetimeSeconds };
  const left = claims.expiresAt - nowSeconds;
  return left > 0
    ? { state: 'valid', summary: `expires in ${inWords(left)}`, secondsLeft: left, lifetimeSeconds }
    : { state: 'expired', summary: left === 0 ? 'expired just now' : `expired ${inWords(-left)} ago`, secondsLeft: left, lifetimeSeconds };
}

function secondsLeft(claims: TokenClaims, nowSeconds: number): number | null {
  return claims.expiresAt === null ? null : claims.expiresAt - nowSeconds;
}

/** A span of time as people say it: "40 s", "47 min", "5 h 12 min", "3 days", "1 year 20 days". */
export function inWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  if (days < 365) return plural(days, 'day');
  const years = Math.floor(days / 365);
  return days % 365 === 0 ? plural(years, 'year') : `${plural(years, 'year')} ${plural(days % 365, 'day')}`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** A moment relative to now: "12 min ago", "in 3 days". */
export function relativeToNow(epochSeconds: number, now: Date): string {
  const delta = epochSeconds - Math.floor(now.getTime() / 1000);
  if (delta === 0) return 'now';
  return delta > 0 ? `in ${inWords(delta)}` : `${inWords(-delta)} ago`;
}

export function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
