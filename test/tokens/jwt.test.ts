import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/kubectl-sa-error.js';
import { decodeJwt, maxTokenBytes } from '../../src/tokens/jwt.js';

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = `${part({ alg: 'RS256', kid: 'k' })}.${part({ sub: 'system:serviceaccount:a:b' })}.${Buffer.from('signature-bytes').toString('base64url')}`;

describe('decodeJwt', () => {
  it('takes a token apart without keeping its signature', () => {
    const decoded = decodeJwt(`  ${token}\n`, 'stdin');
    expect(decoded).toEqual({ header: { alg: 'RS256', kid: 'k' }, payload: { sub: 'system:serviceaccount:a:b' }, signatureBytes: 15 });
  });

  it.each([
    ['', 'it is empty'],
    ['abc.def', 'expected three dot-separated parts (header.payload.signature), found 2'],
    ['a.b.c.d.e', 'encrypted token (JWE)'],
    [`${part({ alg: 'RS256' })}.not*base64.sig`, 'the payload is not base64url'],
    [`${Buffer.from('{not json').toString('base64url')}.${part({})}.sig`, 'the header is not JSON'],
    [`${part([1, 2])}.${part({})}.sig`, 'the header is not a JSON object'],
    [`${part({ alg: 'RS256' })}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.sig`, 'the payload is not JSON'],
    [`.${part({})}.sig`, 'the header is empty'],
    ['x'.repeat(maxTokenBytes + 1), `larger than ${maxTokenBytes} bytes`],
  ])('refuses malformed input %#, naming the problem and never the input', (input, reason) => {
    let caught: unknown;
    try {
      decodeJwt(input, 'the argument');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const message = (caught as Error).message;
    expect(message).toContain(`the argument: not a JSON Web Token: `);
    expect(message).toContain(reason);
    if (input.length > 8) expect(message).not.toContain(input.slice(0, 8));
    expect((caught as InputError).exitCode).toBe(2);
  });
});
