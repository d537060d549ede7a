// Plain data, apart from token-api.ts, so that `token create`'s flags name these kinds without loading the
// cluster client (and Node's HTTP stack) at every start of kubectl sa.

/** The kinds of object a TokenRequest can bind a token to (TokenRequest's boundObjectRef). */
export const boundObjectKinds = ['Pod', 'Secret', 'Node'] as const;
export type BoundObjectKind = (typeof boundObjectKinds)[number];
