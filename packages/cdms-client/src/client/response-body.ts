import { CdmsUnexpectedResponseError } from '../errors/cdms-unexpected-response-error';
import { redactUrl } from '../errors/redact';
import { isPlainObject } from '../values/is-plain-object';
import type { CdmsRequest, CdmsResponse } from './request';

/** @internal A raw entity as the wire has it (with `__metadata`, `/Date(ms)/` strings). */
export type RawEntity = Record<string, unknown>;

/** @internal One raw page: rows and the absolute `__next` URL. */
export interface RawPage {
  readonly results: RawEntity[];
  readonly next?: string;
}

function unexpected(
  request: CdmsRequest,
  response: CdmsResponse,
  problem: string,
): CdmsUnexpectedResponseError {
  return new CdmsUnexpectedResponseError(
    `${request.method} ${redactUrl(request.url)} returned ${response.status} with ${problem}`,
    { status: response.status, method: request.method, url: request.url },
  );
}

function parseJson(request: CdmsRequest, response: CdmsResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    throw unexpected(request, response, 'a body that is not JSON');
  }
}

/** @internal `{"d": {...}}` -> the entity. */
export function readEntity(request: CdmsRequest, response: CdmsResponse): RawEntity {
  const json = parseJson(request, response);
  const entity = isPlainObject(json) ? json.d : undefined;
  if (!isPlainObject(entity)) throw unexpected(request, response, 'JSON that is not `{"d": {…}}`');
  return entity;
}

/** @internal `{"d": {"results": [...], "__next": "…"}}` (or the v1 form `{"d": [...]}`) -> the page. */
export function readPage(request: CdmsRequest, response: CdmsResponse): RawPage {
  const json = parseJson(request, response);
  const data = isPlainObject(json) ? json.d : undefined;
  const results = Array.isArray(data) ? data : isPlainObject(data) ? data.results : undefined;
  if (!Array.isArray(results) || !results.every(isPlainObject)) {
    throw unexpected(request, response, 'JSON that is not `{"d": {"results": […]}}`');
  }
  const next = isPlainObject(data) ? data.__next : undefined;
  if (next !== undefined && next !== null && typeof next !== 'string') {
    throw unexpected(request, response, 'a `__next` that is not a URL');
  }
  return typeof next === 'string' && next !== '' ? { results, next } : { results };
}
