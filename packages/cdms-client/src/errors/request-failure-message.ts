import { redactUrl } from './redact';

/**
 * @internal The message of an HTTP failure: `GET https://…/AccountSet(guid'…') failed with 404: <odata message>`.
 */
export function requestFailureMessage(request: {
  method: string;
  url: string;
  status: number;
  odataMessage?: string | undefined;
}): string {
  const head = `${request.method} ${redactUrl(request.url)} failed with ${request.status}`;
  return request.odataMessage ? `${head}: ${request.odataMessage}` : head;
}
