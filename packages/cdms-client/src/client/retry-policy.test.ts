import { describe, expect, it } from 'vitest';
import { CdmsBadRequestError } from '../errors/cdms-bad-request-error';
import { CdmsNetworkError } from '../errors/cdms-network-error';
import { CdmsServerError } from '../errors/cdms-server-error';
import { CdmsTimeoutError } from '../errors/cdms-timeout-error';
import { CdmsTooManyRequestsError } from '../errors/cdms-too-many-requests-error';
import {
  isDuplicateKeyError,
  isRetryableError,
  parseRetryAfter,
  resolveRetryOptions,
  retryDelayMs,
} from './retry-policy';

const network = (code: string) =>
  new CdmsNetworkError('x', { cause: Object.assign(new Error(code), { code }) });

describe('retry policy', () => {
  it('resolves defaults, and false as no retries', () => {
    expect(resolveRetryOptions(undefined)).toEqual({ limit: 3, minTimeoutMs: 200, maxTimeoutMs: 5000 });
    expect(resolveRetryOptions(false).limit).toBe(0);
    expect(resolveRetryOptions({ minTimeoutMs: 9000 })).toEqual({
      limit: 3,
      minTimeoutMs: 9000,
      maxTimeoutMs: 9000,
    });
  });

  it('retries transient failures only', () => {
    expect(isRetryableError(new CdmsTimeoutError('t'))).toBe(true);
    expect(isRetryableError(network('ECONNRESET'))).toBe(true);
    expect(isRetryableError(network('ECONNREFUSED'))).toBe(false);
    expect(isRetryableError(new CdmsServerError('s', { status: 503 }))).toBe(true);
    expect(isRetryableError(new CdmsServerError('s', { status: 501 }))).toBe(false);
    expect(isRetryableError(new CdmsTooManyRequestsError('s', { status: 429 }))).toBe(true);
    expect(isRetryableError(new CdmsBadRequestError('b', { status: 400 }))).toBe(false);
    expect(
      isRetryableError(
        new CdmsServerError('s', { status: 500, odataMessage: 'Cannot insert duplicate key' }),
      ),
    ).toBe(false);
  });

  it('recognises duplicate-key messages on 4xx/5xx only', () => {
    expect(
      isDuplicateKeyError(
        new CdmsServerError('s', { status: 500, odataMessage: 'Cannot insert duplicate key' }),
      ),
    ).toBe(true);
    expect(
      isDuplicateKeyError(
        new CdmsBadRequestError('s', { status: 400, odataMessage: 'The record already exists' }),
      ),
    ).toBe(true);
    expect(
      isDuplicateKeyError(new CdmsBadRequestError('s', { status: 400, odataMessage: 'Bad filter' })),
    ).toBe(false);
  });

  it('backs off exponentially, honours Retry-After, and caps both', () => {
    const options = { limit: 5, minTimeoutMs: 100, maxTimeoutMs: 1000 };
    const error = new CdmsServerError('s', { status: 500 });
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, error, options))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(retryDelayMs(1, new CdmsServerError('s', { status: 503, retryAfterMs: 300 }), options)).toBe(300);
    expect(retryDelayMs(1, new CdmsServerError('s', { status: 503, retryAfterMs: 60_000 }), options)).toBe(
      1000,
    );
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
