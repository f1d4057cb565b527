import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from './redact';

describe('redactUrl', () => {
  it('removes user info', () => {
    expect(redactUrl('https://bob:pa55@crm.example.org/ORG/AccountSet')).toBe(
      'https://crm.example.org/ORG/AccountSet',
    );
    expect(redactUrl('https://bob@crm.example.org/')).toBe('https://crm.example.org/');
  });

  it('replaces the values of credential-like parameters, any case', () => {
    expect(
      redactUrl('https://sts.example.org/adfs/ls/?wa=wsignin1.0&wresult=%3Ct%3E&Password=x&code=abc'),
    ).toBe(
      `https://sts.example.org/adfs/ls/?wa=wsignin1.0&wresult=${REDACTED}&Password=${REDACTED}&code=${REDACTED}`,
    );
    expect(redactUrl('https://x.org/?access_token=a&user_password=b&client_secret=c')).toBe(
      `https://x.org/?access_token=${REDACTED}&user_password=${REDACTED}&client_secret=${REDACTED}`,
    );
  });

  it('keeps OData options byte for byte, $skiptoken included', () => {
    const url =
      "https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/AccountSet?$filter=Name%20eq%20'a'&$skiptoken=1,'accountid','%7Bx%7D'";
    expect(redactUrl(url)).toBe(url);
  });

  it('drops the fragment', () => {
    expect(redactUrl('https://x.org/cb#access_token=abc')).toBe('https://x.org/cb');
  });

  it('leaves text that is not a URL alone', () => {
    expect(redactUrl('AccountSet')).toBe('AccountSet');
  });
});
