import { describe, expect, it } from 'vitest';
import { extractODataMessage } from './extract-odata-message';

describe('extractODataMessage', () => {
  it('reads the JSON error body', () => {
    const body = JSON.stringify({
      error: { code: '', message: { lang: 'en-US', value: 'Account With Id = x Does Not Exist' } },
    });
    expect(extractODataMessage(body)).toBe('Account With Id = x Does Not Exist');
  });

  it('reads a JSON message given as a plain string', () => {
    expect(extractODataMessage('{"error":{"code":"1","message":"Bad filter"}}')).toBe('Bad filter');
  });

  it('reads the XML error body and ignores the inner error', () => {
    const body = `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
  <code></code>
  <message xml:lang="en-US">No property 'Nme' exists in type 'Account'</message>
  <innererror><message>inner</message><stacktrace>at …</stacktrace></innererror>
</error>`;
    expect(extractODataMessage(body)).toBe("No property 'Nme' exists in type 'Account'");
  });

  it('reads a prefixed XML error body', () => {
    const body =
      '<m:error xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"><m:code/><m:message xml:lang="en-US">Nope</m:message></m:error>';
    expect(extractODataMessage(body)).toBe('Nope');
  });

  it('uses the title of an HTML page', () => {
    expect(
      extractODataMessage('<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>'),
    ).toBe('Service Unavailable');
  });

  it('keeps plain text, truncated', () => {
    expect(extractODataMessage('  The service is busy  ')).toBe('The service is busy');
    expect(extractODataMessage('x'.repeat(2000))?.length).toBe(501);
  });

  it('returns undefined for an empty body and keeps unknown JSON as text', () => {
    expect(extractODataMessage('')).toBeUndefined();
    expect(extractODataMessage(undefined)).toBeUndefined();
    expect(extractODataMessage('{"other":1}')).toBe('{"other":1}');
  });
});
