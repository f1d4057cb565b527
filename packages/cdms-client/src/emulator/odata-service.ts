import type { ODataFilter } from '../odata/filter-tree';
import { parseFilter } from '../odata/parse-filter';
import { type ParsedODataQuery, parseQueryString } from '../odata/query-string';
import type { StoredRow } from './attribute-values';
import { CdmsEmulatorError } from './cdms-emulator-error';
import {
  type EmulatorResponse,
  emptyResponse,
  escapeXml,
  jsonResponse,
  xmlResponse,
} from './emulator-response';
import type { AttributeModel, EntityCatalog, EntityModel } from './entity-model';
import { type EntityStore, requireGuid } from './entity-store';
import { listRows } from './list-rows';
import type { ListViews } from './list-view';
import {
  entityPath,
  type SerializeContext,
  serializeEntityAtom,
  serializeEntityJson,
  serializeFeedAtom,
} from './serialize-entity';
import type { ServiceRoute } from './service-route';

/** A request for the data service, after the server read it. @internal */
export interface ServiceRequest {
  /** The effective method (`MERGE` for POST + `X-HTTP-Method: MERGE`). */
  readonly method: string;
  /** `routeServiceRequest(relativePath, method)`, as the server already read it for the log and faults. */
  readonly route: ServiceRoute;
  /** The path after `/XRMServices/2011/OrganizationData.svc/`, percent-decoded. */
  readonly relativePath: string;
  /** The raw query string, without `?`. */
  readonly rawQuery: string;
  readonly body: string;
  readonly wantsJson: boolean;
}

/** What the data service needs from the emulator. @internal */
export interface ODataServiceOptions {
  readonly catalog: EntityCatalog;
  readonly store: EntityStore;
  /** The sorted, filtered snapshots that list pages are cut from. */
  readonly views: ListViews;
  readonly serviceUrl: string;
  readonly pageSize: number;
  readonly now: () => Date;
  /** The `$metadata` EDMX document. */
  readonly metadata: () => string;
}

/** Query options CRM 2011 accepts on a collection. */
const LIST_OPTIONS = new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$skiptoken']);
/** Query options CRM 2011 accepts on one record. */
const RECORD_OPTIONS = new Set(['$select']);

const badRequest = (message: string) => new CdmsEmulatorError(400, message);

function encodeQueryValue(text: string): string {
  return encodeURIComponent(text).replace(/%(2C|2F|3A|40|24)/g, (encoded) => decodeURIComponent(encoded));
}

/**
 * The Organization Data Service: routes a request to list / retrieve / create / update / delete,
 * `$metadata` or the service document, and answers as CRM 2011 does. Refusals are thrown as
 * `CdmsEmulatorError` (the server turns them into OData error bodies).
 *
 * @internal
 */
export class ODataService {
  readonly #options: ODataServiceOptions;

  constructor(options: ODataServiceOptions) {
    this.#options = options;
  }

  handle(request: ServiceRequest): EmulatorResponse {
    const route = request.route;
    if (route.operation === 'service' || route.operation === 'metadata') {
      if (request.method !== 'GET') throw new CdmsEmulatorError(405, 'Method not allowed.');
      return route.operation === 'metadata' ? this.#metadata() : this.#serviceDocument(request.wantsJson);
    }
    const entity = route.setName === undefined ? undefined : this.#options.catalog.bySetName(route.setName);
    if (entity === undefined || route.setName === undefined) {
      const segment = route.setName ?? request.relativePath.split('/')[0] ?? '';
      throw new CdmsEmulatorError(404, `Resource not found for the segment '${segment}'.`);
    }
    if (route.rest !== undefined) {
      throw badRequest(
        `The emulator does not support the path segment '${route.rest}' after '${route.setName}(…)'.`,
      );
    }
    const id = route.key === undefined ? undefined : this.#parseKey(route.key);
    const query = this.#parseQuery(request.rawQuery, id === undefined ? LIST_OPTIONS : RECORD_OPTIONS);
    switch (route.operation) {
      case 'list':
        return this.#list(entity, query, request.wantsJson);
      case 'get':
        return this.#answerRecord(
          200,
          entity,
          this.#options.store.get(entity, id!),
          query,
          request.wantsJson,
        );
      case 'create': {
        const row = this.#options.store.create(entity, this.#parseBody(request.body), 'ignore');
        const location = `${this.#options.serviceUrl}/${entityPath(entity, row)}`;
        return this.#answerRecord(201, entity, row, { parameters: {} }, request.wantsJson, {
          Location: location,
        });
      }
      case 'update':
        this.#options.store.update(
          entity,
          id!,
          this.#parseBody(request.body),
          route.updateMode ?? 'merge',
          'ignore',
        );
        return emptyResponse(204);
      case 'delete':
        this.#options.store.delete(entity, id!);
        return emptyResponse(204);
      default:
        throw new CdmsEmulatorError(
          405,
          `The method ${request.method} is not allowed on '${request.relativePath}'.`,
        );
    }
  }

  /** `guid'7a4814f9-…'` -> the lower-case GUID; anything else is CRM's 400. */
  #parseKey(key: string): string {
    const match = /^guid'([^']*)'$/.exec(key.trim());
    if (match?.[1] === undefined) throw badRequest('Bad Request - Error in query syntax.');
    return requireGuid(match[1]);
  }

  #parseQuery(rawQuery: string, allowed: ReadonlySet<string>): ParsedODataQuery {
    let query: ParsedODataQuery;
    try {
      query = parseQueryString(rawQuery);
    } catch (error) {
      throw badRequest(error instanceof Error ? error.message : String(error));
    }
    for (const name of Object.keys(query.parameters)) {
      if (!name.startsWith('$') || allowed.has(name)) continue;
      if (LIST_OPTIONS.has(name)) {
        throw badRequest(
          'Query options $filter, $orderby, $inlinecount, $skip and $top cannot be applied to the requested resource.',
        );
      }
      throw badRequest(
        `The query parameter '${name}' is not supported by Microsoft Dynamics CRM 2011's OData endpoint.`,
      );
    }
    return query;
  }

  #parseBody(body: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw badRequest('Error processing request stream. JSON text specified is not valid.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest('Error processing request stream. JSON text specified is not valid.');
    }
    return parsed as Record<string, unknown>;
  }

  #select(entity: EntityModel, select: readonly string[] | undefined): AttributeModel[] | undefined {
    if (select === undefined || select.includes('*')) return undefined;
    return select.map((name) => {
      const attribute = entity.attributes.get(name);
      if (attribute === undefined)
        throw badRequest(`No property '${name}' exists in type '${entity.typeName}'.`);
      return attribute;
    });
  }

  #context(entity: EntityModel, query: ParsedODataQuery): SerializeContext {
    const select = this.#select(entity, query.select);
    return {
      entity,
      serviceUrl: this.#options.serviceUrl,
      resolveName: this.#options.store.resolveName,
      ...(select === undefined ? {} : { select }),
    };
  }

  #answerRecord(
    status: number,
    entity: EntityModel,
    row: StoredRow,
    query: ParsedODataQuery,
    wantsJson: boolean,
    headers: Record<string, string> = {},
  ): EmulatorResponse {
    const context = this.#context(entity, query);
    if (wantsJson) return jsonResponse(status, { d: serializeEntityJson(row, context) }, headers);
    return xmlResponse(
      status,
      serializeEntityAtom(row, context, this.#options.now()),
      'application/atom+xml;type=entry;charset=utf-8',
      headers,
    );
  }

  #list(entity: EntityModel, query: ParsedODataQuery, wantsJson: boolean): EmulatorResponse {
    const context = this.#context(entity, query);
    let filter: ODataFilter | undefined;
    if (query.filter !== undefined) {
      try {
        filter = parseFilter(query.filter);
      } catch (error) {
        throw badRequest(
          `Syntax error in $filter: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const page = listRows(this.#options.views.get(entity, filter, query.orderBy ?? []), entity, {
      pageSize: this.#options.pageSize,
      ...(query.top === undefined ? {} : { top: query.top }),
      ...(query.skip === undefined ? {} : { skip: query.skip }),
      ...(query.skipToken === undefined ? {} : { skipToken: query.skipToken }),
    });
    const next =
      page.nextSkipToken === undefined ? undefined : this.#nextLink(entity, query, page.nextSkipToken);
    if (!wantsJson) {
      return xmlResponse(
        200,
        serializeFeedAtom(page.rows, context, this.#options.now(), next),
        'application/atom+xml;type=feed;charset=utf-8',
      );
    }
    const results = page.rows.map((row) => serializeEntityJson(row, context));
    return jsonResponse(200, { d: next === undefined ? { results } : { results, __next: next } });
  }

  /** The absolute `__next` URL: the original options plus `$skiptoken`. */
  #nextLink(entity: EntityModel, query: ParsedODataQuery, skipToken: string): string {
    const parts = Object.entries(query.parameters)
      .filter(([name]) => name !== '$skiptoken')
      .map(([name, value]) => `${encodeQueryValue(name)}=${encodeQueryValue(value)}`);
    parts.push(`$skiptoken=${encodeQueryValue(skipToken)}`);
    return `${this.#options.serviceUrl}/${entity.setName}?${parts.join('&')}`;
  }

  #metadata(): EmulatorResponse {
    return xmlResponse(200, this.#options.metadata());
  }

  #serviceDocument(wantsJson: boolean): EmulatorResponse {
    const sets = this.#options.catalog.entities.map((entity) => entity.setName);
    if (wantsJson) return jsonResponse(200, { d: { EntitySets: sets } });
    const collections = sets
      .map(
        (set) =>
          `<collection href="${escapeXml(set)}"><atom:title>${escapeXml(set)}</atom:title></collection>`,
      )
      .join('');
    return xmlResponse(
      200,
      '<?xml version="1.0" encoding="utf-8" standalone="yes"?>' +
        `<service xml:base="${escapeXml(`${this.#options.serviceUrl}/`)}" xmlns:atom="http://www.w3.org/2005/Atom" ` +
        'xmlns:app="http://www.w3.org/2007/app" xmlns="http://www.w3.org/2007/app">' +
        `<workspace><atom:title>Default</atom:title>${collections}</workspace></service>`,
      'application/atomsvc+xml;charset=utf-8',
    );
  }
}
