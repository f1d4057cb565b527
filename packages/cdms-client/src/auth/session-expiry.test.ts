import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectSessionExpiry } from './session-expiry';

/** The captured real ADFS pages (shared/fixtures/real-crm, beside the repository): checked against, never copied. */
function realCrmFixture(name: string): string {
  const candidates = [
    fileURLToPath(new URL(`../../../../../shared/fixtures/real-crm/${name}`, import.meta.url)),
    `/work/shared/fixtures/real-crm/${name}`,
  ];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined)
    throw new Error(`shared/fixtures/real-crm/${name} not found beside the repository`);
  return readFileSync(found, 'utf8');
}

describe('detectSessionExpiry', () => {
  it('a 401 is an expiry', () => {
    expect(detectSessionExpiry({ status: 401, body: '' })).toBe('status-401');
  });

  it.each([
    'https://adfs.example.org/adfs/ls/?wa=wsignin1.0&wtrealm=https%3a%2f%2fcrm.example.org%2f&wctx=rm%3d0',
    'https://sts.example.org/?wa=wsignin1.0&wtrealm=x',
    'https://crm.example.org/ORG/_forms/signin.aspx',
    'https://login.example.org/login?ReturnUrl=%2fORG',
  ])('a redirect to a sign-in page (%s) is an expiry', (location) => {
    expect(detectSessionExpiry({ status: 302, location, body: 'Object moved' })).toBe('sign-in-redirect');
  });

  it('a redirect elsewhere (http to https) is not', () => {
    expect(
      detectSessionExpiry({
        status: 301,
        location: 'https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/AccountSet',
        body: '',
      }),
    ).toBeUndefined();
  });

  it("ADFS 2.0's real sign-in page, answered 200 where JSON was expected, is an expiry", () => {
    const page = realCrmFixture('login_form.html');
    expect(detectSessionExpiry({ status: 200, contentType: 'text/html; charset=utf-8', body: page })).toBe(
      'sign-in-page',
    );
    // Without a Content-Type too: the body alone says it.
    expect(detectSessionExpiry({ status: 200, body: page })).toBe('sign-in-page');
  });

  it('the real auto-posting token form (wresult) is an expiry', () => {
    expect(
      detectSessionExpiry({ status: 200, contentType: 'text/html', body: realCrmFixture('auth_form.html') }),
    ).toBe('sign-in-page');
  });

  it('JSON, XML and an HTML page without a sign-in form are not', () => {
    expect(
      detectSessionExpiry({ status: 200, contentType: 'application/json', body: '{"d":{"results":[]}}' }),
    ).toBeUndefined();
    expect(
      detectSessionExpiry({ status: 200, contentType: 'application/xml', body: '<edmx:Edmx/>' }),
    ).toBeUndefined();
    expect(
      detectSessionExpiry({
        status: 200,
        contentType: 'text/html',
        body: realCrmFixture('successful_login.html'),
      }),
    ).toBeUndefined();
    expect(
      detectSessionExpiry({
        status: 500,
        contentType: 'text/html',
        body: '<html><form><input type="password"></form></html>',
      }),
    ).toBeUndefined();
  });
});
