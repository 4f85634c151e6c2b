import { describe, expect, it } from 'vitest';
import { gatewaySecrets, maskGateway } from '../../src/config/gateway-secrets.js';
import { redact, SecretRegistry, urlSecrets } from '../../src/util/secrets.js';

describe('secrets', () => {
  it('masks every secret-bearing part of a URL: userinfo password, ?password=, sslpassword, sslkey', () => {
    const url = 'postgres://ann:pw-123@db:5432/w?sslmode=require&password=qp-456&sslpassword=sp-789&sslkey=/k/id.key&application_name=x';
    expect(redact(url)).toBe('postgres://ann:***@db:5432/w?sslmode=require&password=***&sslpassword=***&sslkey=***&application_name=x');
    expect(urlSecrets(url)).toEqual(expect.arrayContaining(['pw-123', 'qp-456', 'sp-789', '/k/id.key']));
    // libpq key/value strings and driver messages quoting them.
    expect(redact("host=db password='a b c' user=ann")).toBe('host=db password=*** user=ann');
    // A port is not a password: no userinfo, nothing masked.
    expect(redact('postgres://db:5432/w?x=a@b')).toBe('postgres://db:5432/w?x=a@b');
  });

  it('redacts a password shorter than 3 characters where it stands as one, without masking ordinary text', () => {
    const gateways = { short: { type: 'postgres' as const, url: 'postgres://ann:ab@db/w' }, q: { type: 'postgres' as const, url: 'postgres://db/w?password=x' } };
    const secrets = new SecretRegistry(gatewaySecrets(gateways));
    expect(secrets.list()).toEqual(expect.arrayContaining(['ab', 'x']));
    expect(secrets.redact('cannot connect to postgres://ann:ab@db/w: a table about abc')).toBe('cannot connect to postgres://ann:***@db/w: a table about abc');
    expect(secrets.redact('conninfo password=x host=db')).toBe('conninfo password=*** host=db');
    expect(secrets.redact('ab')).toBe('***');
    expect(maskGateway(gateways.q).url).toBe('postgres://db/w?password=***');
  });

  it('keeps one registry per run: what one registry remembers, another does not mask', () => {
    const a = new SecretRegistry(['alpha-secret']);
    const b = new SecretRegistry();
    expect(a.redact('x alpha-secret y')).toBe('x *** y');
    expect(b.redact('x alpha-secret y')).toBe('x alpha-secret y');
    // A secret containing another is masked whole, not left half-visible.
    expect(new SecretRegistry(['abc', 'abcdef']).redact('abcdef')).toBe('***');
  });
});
