import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { renderMetadata } from '../odata/metadata';
import { AdfsLogin, type AdfsLoginContext } from './adfs-login';
import { truncateToSecond } from './attribute-values';
import { CdmsEmulatorError, isCdmsEmulatorError } from './cdms-emulator-error';
import { CdmsUserActivity } from './cdms-user-activity';
import { CdmsUserWrites } from './cdms-user-writes';
import { defaultEntities } from './default-entities';
import { acceptsJson, type EmulatorResponse, errorResponse, htmlResponse } from './emulator-response';
import { EntityCatalog, type EntityModel } from './entity-model';
import { EntityStore } from './entity-store';
import { FaultRegistry } from './fault-registry';
import { ListViews } from './list-view';
import { buildMetadataModel } from './metadata-model';
import { ODataService } from './odata-service';
import { loggableBody, loggableHeaders, loggableQuery, matchesRequestFilter } from './request-log';
import { effectiveMethod, routeServiceRequest } from './service-route';
import type {
  CdmsEmulator,
  CdmsEmulatorOptions,
  EmulatorFault,
  EmulatorInputRecord,
  EmulatorRecord,
  EmulatorRequestLog,
} from './types';

/** Where the Organization Data Service lives under the organisation root. */
export const ORGANIZATION_DATA_SERVICE_PATH = '/XRMServices/2011/OrganizationData.svc';

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  500: 'An unexpected error occurred.',
  503: 'The server is busy. Please try again later.',
};

/** What IIS answers when the query string is longer than its request filtering allows. */
const QUERY_STRING_TOO_LONG =
  '<html><head><title>IIS 7.5 Detailed Error - 404.15 - Not Found</title></head><body><h3>HTTP Error 404.15 - Not Found</h3>' +
  '<h4>The request filtering module is configured to deny a request where the query string is too long.</h4></body></html>';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** One minute between seeded records, the last one created now. */
const SEED_SPACING_MS = 60_000;

/** The default `seed(service, count)` record: its primary name, and dates spread over the past. */
function defaultSeedRow(
  entity: EntityModel,
  count: number,
  now: number,
): (index: number) => EmulatorInputRecord {
  const name = entity.primaryNameAttribute;
  const first = truncateToSecond(now) - (count - 1) * SEED_SPACING_MS;
  return (index) => {
    const at = new Date(first + index * SEED_SPACING_MS);
    return {
      ...(name === undefined ? {} : { [name]: `${entity.name} ${index + 1}` }),
      CreatedOn: at,
      ModifiedOn: at,
    };
  };
}

/**
 * Starts a Dynamics CRM 2011 OData v2 emulator on loopback (`node:http`): the Organization Data
 * Service under `{url}/XRMServices/2011/OrganizationData.svc` with list (`$filter`, `$orderby`,
 * `$select`, `$top`, `$skip`, 50-row pages with `__next`), retrieve, create (201), MERGE/PUT
 * update (204), delete (204) and `$metadata`; server-maintained `CreatedOn`/`ModifiedOn`/
 * `VersionNumber`; CRM's error bodies; fault injection; a request log; and, with `auth`, the
 * ADFS-like login described on `EmulatorAuthOptions` (cookie `MSISAuth`, 401 without it).
 *
 * Every instance owns all its state; `close()` frees the port.
 *
 * @example
 * ```ts
 * import { startCdmsEmulator } from '@cdms-sync/cdms-client/emulator';
 *
 * const emulator = await startCdmsEmulator();
 * const [acme] = emulator.seed('Account', [{ Name: 'Acme' }]);
 * const response = await fetch(`${emulator.serviceUrl}/AccountSet?$filter=Name eq 'ACME'`, {
 *   headers: { Accept: 'application/json' },
 * });
 * // 200 {"d":{"results":[{"__metadata":{…},"AccountId":"…","Name":"Acme",…}]}}
 * await emulator.close();
 * ```
 */
export async function startCdmsEmulator(options: CdmsEmulatorOptions = {}): Promise<CdmsEmulator> {
  const clock = options.clock ?? (() => Date.now());
  const now = (): number => {
    const value = clock();
    return typeof value === 'number' ? value : value.getTime();
  };
  const host = options.host ?? '127.0.0.1';
  const organisation = options.organisation ?? 'ORG';
  if (!/^[A-Za-z0-9_-]+$/.test(organisation)) {
    throw new CdmsEmulatorError(500, `Invalid organisation name ${JSON.stringify(organisation)}.`);
  }
  const pageSize = options.pageSize ?? 50;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new CdmsEmulatorError(500, `Invalid pageSize ${pageSize}: it must be a positive integer.`);
  }
  const maxQueryStringLength = options.maxQueryStringLength ?? 2048;
  const catalog = new EntityCatalog(options.entities ?? defaultEntities);
  const store = new EntityStore(catalog, now, options.modifiedOn ?? 'crm');
  const views = new ListViews(store);
  const commitDelayMs = options.commitDelayMs ?? 0;
  if (!Number.isFinite(commitDelayMs) || commitDelayMs < 0) {
    throw new CdmsEmulatorError(
      500,
      `Invalid commitDelayMs ${commitDelayMs}: it must be a non-negative number.`,
    );
  }
  const userWrites = new CdmsUserWrites(store, now);
  const activity = new CdmsUserActivity(catalog, store, userWrites, () => commitDelayMs);
  // Started (and validated) before the port is taken; its timer does not keep the process alive.
  if (options.activity !== undefined) activity.start(options.activity);
  const faults = new FaultRegistry();
  for (const rule of options.faults ?? []) faults.add(rule.match, rule.fault);
  const login = options.auth === undefined ? undefined : new AdfsLogin(options.auth, now);
  const log: EmulatorRequestLog[] = [];
  const sockets = new Set<Socket>();
  const pendingDelays = new Set<() => void>();
  let closed = false;

  const server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const organisationPath = `/${organisation}`;
  const url = `${origin}${organisationPath}`;
  const servicePath = `${organisationPath}${ORGANIZATION_DATA_SERVICE_PATH}`;
  const serviceUrl = `${origin}${servicePath}`;
  const loginContext: AdfsLoginContext = { origin, organisationPath };
  let metadataDocument: string | undefined;
  const service = new ODataService({
    catalog,
    store,
    views,
    serviceUrl,
    pageSize,
    now: () => new Date(now()),
    metadata: () => {
      metadataDocument ??= renderMetadata(buildMetadataModel(catalog, `${organisation}Context`));
      return metadataDocument;
    },
  });

  /** Waits, unless the emulator closes first; resolves `false` then. */
  const delay = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        pendingDelays.delete(finish);
        resolve(!closed);
      };
      const timer = setTimeout(finish, ms);
      pendingDelays.add(finish);
    });

  const answer = (response: ServerResponse, reply: EmulatorResponse, entry: EmulatorRequestLog) => {
    entry.status = reply.status;
    response.writeHead(reply.status, reply.headers as Record<string, string | string[]>);
    response.end(reply.body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const parsedUrl = new URL(request.url ?? '/', origin);
    const pathname = decodePath(parsedUrl.pathname);
    const rawQuery = parsedUrl.search.slice(1);
    const methodOverride = header(request, 'x-http-method');
    const method = (request.method ?? 'GET').toUpperCase();
    const effective = effectiveMethod(method, methodOverride);
    const wantsJson = acceptsJson(header(request, 'accept'));
    const relativePath =
      pathname === servicePath || pathname.startsWith(`${servicePath}/`)
        ? pathname.slice(servicePath.length + 1)
        : undefined;
    const route = relativePath === undefined ? undefined : routeServiceRequest(relativePath, effective);
    const serviceName = route?.setName === undefined ? undefined : catalog.bySetName(route.setName)?.name;
    const taken = faults.take({
      method,
      pathname,
      ...(relativePath === undefined ? {} : { relativePath }),
      ...(route?.operation === undefined ? {} : { operation: route.operation }),
      ...(serviceName === undefined ? {} : { service: serviceName }),
    });
    const entry: EmulatorRequestLog = {
      method,
      ...(methodOverride === undefined ? {} : { methodOverride }),
      path: pathname,
      query: loggableQuery(rawQuery),
      headers: loggableHeaders(request.headers),
      body: loggableBody(body, header(request, 'content-type')),
      status: undefined,
      ...(route?.operation === undefined ? {} : { operation: route.operation }),
      ...(serviceName === undefined ? {} : { service: serviceName }),
      faults: taken.map((fault) => fault.type),
      receivedAt: new Date(now()),
    };
    log.push(entry);

    const latency =
      (options.latencyMs ?? 0) +
      taken.reduce((total, fault) => total + (fault.type === 'latency' ? fault.ms : 0), 0);
    if (latency > 0 && !(await delay(latency))) return;
    const failure = taken.find(
      (fault): fault is Exclude<EmulatorFault, { type: 'latency' }> => fault.type !== 'latency',
    );
    if (failure?.type === 'reset') {
      request.socket.destroy();
      return;
    }
    // Never answered: `close()` destroys the socket.
    if (failure?.type === 'timeout') return;
    if (failure?.type === 'status') {
      const retryAfter: Record<string, string> =
        failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
      const message =
        failure.message ?? STATUS_MESSAGES[failure.status] ?? `Injected failure ${failure.status}.`;
      answer(response, errorResponse(failure.status, message, wantsJson, retryAfter), entry);
      return;
    }

    let reply: EmulatorResponse;
    // CDMS-user transactions that committed since the last request become visible.
    userWrites.flush();
    try {
      if (rawQuery.length > maxQueryStringLength) {
        reply = htmlResponse(404, QUERY_STRING_TOO_LONG);
      } else if (relativePath !== undefined && route !== undefined) {
        if (login !== undefined && !login.isAuthenticated(header(request, 'cookie'))) {
          throw new CdmsEmulatorError(401, 'The user is not authenticated: sign in again.');
        }
        reply = service.handle({ method: effective, route, relativePath, rawQuery, body, wantsJson });
      } else if (login?.handles(pathname, loginContext)) {
        reply = login.handle(
          { method, pathname, rawQuery, body, cookieHeader: header(request, 'cookie') },
          loginContext,
        );
      } else {
        throw new CdmsEmulatorError(404, `The resource '${pathname}' cannot be found.`);
      }
    } catch (error) {
      reply = isCdmsEmulatorError(error)
        ? errorResponse(error.status, error.message, wantsJson)
        : errorResponse(500, STATUS_MESSAGES[500]!, wantsJson);
    }
    if (failure?.type === 'applyThenFail') {
      if (failure.reset === true) {
        request.socket.destroy();
        return;
      }
      const status = failure.status ?? 500;
      reply = errorResponse(status, STATUS_MESSAGES[status] ?? `Injected failure ${status}.`, wantsJson);
    }
    answer(response, reply, entry);
  };

  server.on('request', (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end('Emulator failure');
      }
    });
  });

  const seed = (
    serviceName: string,
    rows: readonly EmulatorInputRecord[] | number,
    generator?: (index: number) => EmulatorInputRecord,
  ): EmulatorRecord[] & string[] => {
    const entity = catalog.require(serviceName);
    const count = typeof rows === 'number' ? rows : rows.length;
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new CdmsEmulatorError(500, `Invalid seed count ${count}: it must be a non-negative integer.`);
    }
    const row =
      typeof rows === 'number'
        ? (generator ?? defaultSeedRow(entity, count, now()))
        : (index: number) => rows[index]!;
    const created: string[] = [];
    try {
      for (let index = 0; index < count; index += 1) {
        const stored = store.create(entity, row(index), 'accept');
        created.push(String(stored[entity.primaryKey]));
      }
    } catch (error) {
      // All or nothing: a bad row leaves the emulator as it was.
      for (const id of created) store.delete(entity, id);
      throw error;
    }
    const result =
      typeof rows === 'number' ? created : created.map((id) => store.toRecord(entity, store.get(entity, id)));
    return result as EmulatorRecord[] & string[];
  };

  return {
    url,
    serviceUrl,
    port,
    get requests(): readonly EmulatorRequestLog[] {
      return log;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        closed = true;
        activity.stop();
        for (const finish of [...pendingDelays]) finish();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
    seed,
    editAsCdmsUser: (serviceName, id, changes, writeOptions) => {
      const entity = catalog.require(serviceName);
      userWrites.flush();
      const row = userWrites.edit(entity, id, changes, writeOptions?.visibleAfterMs ?? commitDelayMs);
      return store.toRecord(entity, row);
    },
    createAsCdmsUser: (serviceName, values, writeOptions) => {
      const entity = catalog.require(serviceName);
      userWrites.flush();
      const row = userWrites.create(entity, values, writeOptions?.visibleAfterMs ?? commitDelayMs);
      return store.toRecord(entity, row);
    },
    deleteAsCdmsUser: (serviceName, id, writeOptions) => {
      const entity = catalog.require(serviceName);
      userWrites.flush();
      userWrites.delete(entity, id, writeOptions?.visibleAfterMs ?? commitDelayMs);
    },
    startActivity: (activityOptions) => activity.start(activityOptions),
    stopActivity: () => activity.stop(),
    activityCounts: () => activity.counts(),
    pendingCommits: () => {
      userWrites.flush();
      return userWrites.pendingCount;
    },
    records: (serviceName) => {
      const entity = catalog.require(serviceName);
      userWrites.flush();
      // The key-ordered view the first list page uses: no sorting once it exists.
      return views
        .get(entity, undefined, [])
        .entries()
        .map((entry) => store.toRecord(entity, entry.row));
    },
    requestCount: (filter) => log.filter((entry) => matchesRequestFilter(entry, filter)).length,
    clearRequests: () => {
      log.length = 0;
    },
    reset: () => {
      activity.stop();
      userWrites.clear();
      store.clear();
      views.clear();
      faults.clear();
      login?.clear();
      log.length = 0;
    },
    addFault: (matcher, fault) => faults.add(matcher, fault),
    clearFaults: () => faults.clear(),
  };
}
