import { CdmsInvalidArgumentError } from '../errors/cdms-invalid-argument-error';
import { isGuid } from '../values/guid';

/** A CRM schema name: letters, digits and underscores (`Account`, `optevia_interaction`). */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Default path of the Organization Data Service under the organisation root. */
export const DEFAULT_SERVICE_PATH = '/XRMServices/2011/OrganizationData.svc';

/**
 * @internal The service root: `https://crm.example.org/ORG` + `/XRMServices/2011/OrganizationData.svc`,
 * with trailing slashes of the base and a missing leading slash of the path normalised.
 */
export function serviceRootUrl(baseUrl: string, servicePath: string): string {
  const path = servicePath.replace(/\/+$/, '');
  return `${normaliseBaseUrl(baseUrl)}${path === '' || path.startsWith('/') ? path : `/${path}`}`;
}

/** @internal The organisation root without trailing slashes. */
export function normaliseBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** @internal Throws before any request when `service` cannot be an entity schema name. */
export function assertServiceName(service: string): void {
  if (typeof service !== 'string' || !SCHEMA_NAME.test(service)) {
    throw new CdmsInvalidArgumentError(
      `Invalid CDMS entity name ${JSON.stringify(service)}: expected a schema name such as 'Account'`,
    );
  }
}

/** @internal Throws before any request when `id` is not a GUID; returns it lower-cased. */
export function assertGuid(service: string, id: string): string {
  if (!isGuid(id)) {
    throw new CdmsInvalidArgumentError(
      `Invalid ${service} id ${JSON.stringify(String(id)).slice(0, 60)}: expected a GUID such as '7a4814f9-b0b8-ea11-a812-000d3a122b89'`,
    );
  }
  return id.toLowerCase();
}

/** @internal `{root}/AccountSet`. */
export function entitySetUrl(serviceRoot: string, service: string): string {
  assertServiceName(service);
  return `${serviceRoot}/${service}Set`;
}

/** @internal `{root}/AccountSet(guid'7a4814f9-…')`; validates both parts first. */
export function entityUrl(serviceRoot: string, service: string, id: string): string {
  const guid = assertGuid(service, id);
  return `${entitySetUrl(serviceRoot, service)}(guid'${guid}')`;
}

/** @internal Appends a query string (with or without its leading `?`) to a URL. */
export function withQuery(url: string, queryString: string): string {
  if (queryString === '' || queryString === '?') return url;
  return queryString.startsWith('?') ? `${url}${queryString}` : `${url}?${queryString}`;
}
