import { describe, expect, it } from 'vitest';
import { CdmsBadRequestError, isCdmsBadRequestError } from './cdms-bad-request-error';
import { CdmsError, isCdmsError } from './cdms-error';
import { CdmsLoginError, isCdmsLoginError } from './cdms-login-error';
import { CdmsNotFoundError, isCdmsNotFoundError } from './cdms-not-found-error';
import { isCdmsTimeoutError } from './cdms-timeout-error';
import { requestFailureMessage } from './request-failure-message';

const url =
  "https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/AccountSet(guid'7a4814f9-b0b8-ea11-a812-000d3a122b89')";

describe('CdmsError', () => {
  it('carries a literal name, a stable code and the request', () => {
    const message = requestFailureMessage({
      method: 'GET',
      url,
      status: 404,
      odataMessage: 'Does Not Exist',
    });
    const error = new CdmsNotFoundError(message, {
      status: 404,
      method: 'GET',
      url,
      odataMessage: 'Does Not Exist',
    });
    expect(error).toBeInstanceOf(CdmsError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CdmsNotFoundError');
    expect(error.code).toBe('CDMS_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.message).toBe(`GET ${url} failed with 404: Does Not Exist`);
    expect(error.url).toBe(url);
  });

  it('redacts the url it is given', () => {
    const error = new CdmsLoginError('Login failed', { url: 'https://u:p@sts.example.org/?wresult=tok' });
    expect(error.url).toBe('https://sts.example.org/?wresult=REDACTED');
  });

  it('serialises to JSON without the raw cause', () => {
    const cause = Object.assign(new Error('socket hang up'), {
      code: 'ECONNRESET',
      config: { headers: { Cookie: 'x' } },
    });
    const error = new CdmsBadRequestError('bad', { status: 400, cause });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'CdmsBadRequestError',
      code: 'CDMS_BAD_REQUEST',
      message: 'bad',
      status: 400,
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
  });

  it('has guards that check the code, so they work across package copies', () => {
    const foreign = Object.assign(new Error('copy'), { name: 'CdmsNotFoundError', code: 'CDMS_NOT_FOUND' });
    expect(isCdmsError(foreign)).toBe(true);
    expect(isCdmsNotFoundError(foreign)).toBe(true);
    expect(isCdmsTimeoutError(foreign)).toBe(false);
    expect(isCdmsLoginError(new CdmsLoginError('no'))).toBe(true);
    expect(isCdmsBadRequestError({ code: 'CDMS_BAD_REQUEST' })).toBe(false);
    expect(isCdmsError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isCdmsError('CDMS_NOT_FOUND')).toBe(false);
  });

  it('leaves the message without a colon when CDMS said nothing', () => {
    expect(requestFailureMessage({ method: 'DELETE', url: 'https://a.org/x', status: 500 })).toBe(
      'DELETE https://a.org/x failed with 500',
    );
  });
});
