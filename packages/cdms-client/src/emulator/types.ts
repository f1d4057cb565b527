import type { CdmsEntity, CdmsValue } from '../client/types';

/**
 * The type of one emulated attribute: an EDM primitive type, or one of CRM 2011's complex types
 * (`EntityReference` = lookup, `OptionSetValue` = picklist, `Money`).
 *
 * Wire forms (JSON): `Edm.DateTime` is `"/Date(ms)/"`; `Edm.Int64` and `Edm.Decimal` are strings
 * (as every OData v2 JSON service writes them); `EntityReference` is `{Id, LogicalName, Name}`;
 * `OptionSetValue` is `{Value: 7}`; `Money` is `{Value: '12.50'}`.
 */
export type EmulatorAttributeType =
  | 'Edm.String'
  | 'Edm.Guid'
  | 'Edm.DateTime'
  | 'Edm.Int32'
  | 'Edm.Int64'
  | 'Edm.Decimal'
  | 'Edm.Double'
  | 'Edm.Boolean'
  | 'EntityReference'
  | 'OptionSetValue'
  | 'Money';

/** One attribute with details beyond its type. */
export interface EmulatorAttributeDefinition {
  readonly type: EmulatorAttributeType;
  /**
   * For an `EntityReference`: the logical name of the entity it points at (`'account'`), used when
   * a write sends only `{Id}` and to fill the lookup's `Name` from the target's primary name.
   */
  readonly target?: string;
  /**
   * For an `Edm.String`: the most characters a value may have, as CRM's attribute metadata says
   * (`Account.Name` 160). A longer value in a create or update is CRM's 400 validation fault.
   * @default no limit
   */
  readonly maxLength?: number;
}

/**
 * An emulated CRM entity.
 *
 * `CreatedOn`, `ModifiedOn` (`Edm.DateTime`), `VersionNumber` (`Edm.Int64`) and the primary key
 * (`Edm.Guid`) are added automatically; the emulator maintains them.
 *
 * @example
 * ```ts
 * const interaction: EmulatorEntityDefinition = {
 *   name: 'optevia_interaction',
 *   primaryNameAttribute: 'optevia_name',
 *   attributes: { optevia_name: 'Edm.String', optevia_Contact: { type: 'EntityReference', target: 'contact' } },
 * };
 * // served as optevia_interactionSet, key optevia_interactionId
 * ```
 */
export interface EmulatorEntityDefinition {
  /** The schema name, e.g. `Account`. */
  readonly name: string;
  /** The entity set name. @default `${name}Set` */
  readonly setName?: string;
  /** The primary key attribute. @default `${name}Id` */
  readonly primaryKey?: string;
  /** The logical name used in lookups. @default name.toLowerCase() */
  readonly logicalName?: string;
  /** The attribute whose value names a record in lookups pointing at it (`Name`, `FullName`). */
  readonly primaryNameAttribute?: string;
  /** Attributes by schema name, in the order they are serialised. */
  readonly attributes: Readonly<Record<string, EmulatorAttributeType | EmulatorAttributeDefinition>>;
}

/** Which requests a fault applies to. Every given field must match. */
export interface EmulatorFaultMatcher {
  /** The HTTP method as sent (`POST` for a MERGE; use `operation: 'update'` for those). */
  readonly method?: string;
  /**
   * A string matches the path relative to the service root (`AccountSet`, `$metadata`,
   * `AccountSet(guid'…')`) or the whole URL path; `AccountSet` also matches its records
   * (`AccountSet(guid'…')`). A RegExp is tested against the whole URL path (without the query).
   */
  readonly path?: string | RegExp;
  /** The OData operation of the request. */
  readonly operation?: EmulatorOperation;
  /** The entity (`Account`), for requests on an entity set. */
  readonly service?: string;
  /** How many matching requests the fault applies to; then it is removed. @default unlimited */
  readonly times?: number;
}

/**
 * A failure to inject.
 *
 * - `latency`: wait `ms` before handling the request normally (stacks with other faults);
 * - `status`: answer `status` (500, 503 …) with an OData error body, optionally `Retry-After`;
 * - `reset`: destroy the connection without answering (`ECONNRESET` on the client);
 * - `timeout`: never answer (the connection stays open until the client gives up or `close()`);
 * - `applyThenFail`: perform the request (the write happens) and then answer `status` (default 500)
 *   or, with `reset: true`, destroy the connection: the client cannot know the write succeeded.
 *
 * @example
 * ```ts
 * emulator.addFault({ operation: 'create', times: 1 }, { type: 'applyThenFail', reset: true });
 * emulator.addFault({ path: 'AccountSet' }, { type: 'status', status: 503, retryAfter: 1 });
 * ```
 */
export type EmulatorFault =
  | { readonly type: 'latency'; readonly ms: number }
  | {
      readonly type: 'status';
      readonly status: number;
      /** Seconds (or an HTTP date) for the `Retry-After` header. */
      readonly retryAfter?: number | string;
      /** The OData error message. @default 'The server is busy.' style text per status */
      readonly message?: string;
    }
  | { readonly type: 'reset' }
  | { readonly type: 'timeout' }
  | {
      readonly type: 'applyThenFail';
      /** @default 500 */
      readonly status?: number;
      /** Destroy the connection instead of answering. */
      readonly reset?: boolean;
    };

/** A fault with the requests it applies to, as given in `options.faults`. */
export interface EmulatorFaultRule {
  readonly match: EmulatorFaultMatcher;
  readonly fault: EmulatorFault;
}

/** The OData operation of a request. */
export type EmulatorOperation = 'list' | 'get' | 'create' | 'update' | 'delete' | 'metadata' | 'service';

/**
 * Options of the ADFS-like login. With them, every data-service request needs the `MSISAuth`
 * cookie that this passive WS-Federation flow sets (`HOST` is `http://127.0.0.1:PORT`, `{org}` is
 * `emulator.url`):
 *
 * 1. `GET {org}/?whr={adfs url}` -> 200, the ADFS 2.0 login form
 *    `<form id="aspnetForm" method="post" action="HOST/adfs/ls/?wa=wsignin1.0&wtrealm=…&wctx=…">`
 *    with hidden `__VIEWSTATE`, `__EVENTVALIDATION`, `__db`, the inputs
 *    `ctl00$ContentPlaceHolder1$UsernameTextBox` (text), `ctl00$ContentPlaceHolder1$PasswordTextBox`
 *    (password) and the submit `ctl00$ContentPlaceHolder1$SubmitButton`.
 * 2. POST the form (`application/x-www-form-urlencoded`, to its `action`):
 *    - wrong credentials -> 200, the same form plus
 *      `<span id="ctl00_ContentPlaceHolder1_ErrorTextLabel">Incorrect user ID or password. Type the
 *      correct user ID and password, and try again.</span>`;
 *    - right ones -> 200, an auto-posting form (`name="hiddenform"`, `action="HOST/resource-sts/adfs/ls/"`)
 *      with hidden `wa=wsignin1.0`, `wresult` (a `RequestSecurityTokenResponse`, single use, valid
 *      five minutes) and `wctx`.
 * 3. POST those fields to `HOST/resource-sts/adfs/ls/` (the second STS) -> 200, the same kind of form
 *    with a new `wresult`, whose `action` is `{org}/`.
 * 4. POST those fields to `{org}/` -> 302 `Location: {org}/` with
 *    `Set-Cookie: MSISAuth=…; path=/; HttpOnly` and `Set-Cookie: ReqClientId=…; path=/; HttpOnly`.
 *
 * Without the cookie, or once `cookieTtlMs` has passed (by `options.clock`), OData requests get 401.
 * A replayed, forged or expired `wresult` gets a 400 HTML page. `AdfsFormAuth` drives this flow.
 */
export interface EmulatorAuthOptions {
  readonly username: string;
  readonly password: string;
  /** How long the authentication cookie stays valid (measured with `options.clock`). @default 3600000 */
  readonly cookieTtlMs?: number;
}

/** Options of `startCdmsEmulator`. */
export interface CdmsEmulatorOptions {
  /** The port to listen on. @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The organisation name: the first path segment of `url`. @default 'ORG' */
  organisation?: string;
  /** The entities served. @default defaultEntities (Account, Contact, SystemUser) */
  entities?: readonly EmulatorEntityDefinition[];
  /** Rows per list page (CRM 2011 uses 50). @default 50 */
  pageSize?: number;
  /**
   * The longest query string (as sent, percent-encoded) IIS lets through: a longer one is answered
   * 404 (IIS "404.15 Query String Too Long"), as CRM 2011 does for long `or` chains that were not
   * split. `Infinity` turns the limit off. @default 2048
   */
  maxQueryStringLength?: number;
  /** A delay before every request is handled. @default 0 */
  latencyMs?: number;
  /** Faults active from the start. */
  faults?: readonly EmulatorFaultRule[];
  /** Require the ADFS-like login; without it every request is accepted. */
  auth?: EmulatorAuthOptions;
  /** The current time (for `CreatedOn`/`ModifiedOn` and cookie expiry). @default () => new Date() */
  clock?: () => Date | number;
  /**
   * How `ModifiedOn` moves on a write (every write: HTTP, `editAsCdmsUser`):
   * - `'crm'`: as CRM 2011 does, the clock truncated to the second, so two writes within one second
   *   carry the same `ModifiedOn`; only `VersionNumber` (which grows on every write) tells them apart;
   * - `'strictly-increasing'`: the second of the clock, but always at least one second after the
   *   record's previous `ModifiedOn` (an easier CDMS, for tests that need every write to look newer).
   * @default 'crm'
   */
  modifiedOn?: 'crm' | 'strictly-increasing';
  /**
   * Simulated CDMS users editing, creating and deleting records while the library runs, from the
   * start (see `EmulatorActivityOptions`; `emulator.startActivity` starts it later).
   */
  activity?: EmulatorActivityOptions;
  /**
   * Late-committing CDMS transactions: every write made by a CDMS user (`editAsCdmsUser`,
   * `createAsCdmsUser`, `deleteAsCdmsUser`, the simulated activity) gets its `ModifiedOn` and
   * `VersionNumber` when it happens but becomes visible to reads only this many milliseconds
   * later (by `clock`). Writes through the OData endpoint are visible at once. @default 0
   */
  commitDelayMs?: number;
}

/**
 * Simulated CDMS users: writes per second of each kind (across the chosen entities, each write on
 * an entity picked at random), deterministic for a `seed`. Edits change one text attribute (and
 * `ModifiedBy`), creates fill the primary name, deletes remove a random record; all are
 * attributed to the user `CDMS user (simulated)` (`ModifiedBy`/`CreatedBy` when the entity has
 * them) and commit late when `commitDelayMs` is set.
 *
 * @example
 * ```ts
 * const emulator = await startCdmsEmulator({ activity: { editsPerSecond: 20, createsPerSecond: 2, deletesPerSecond: 1, services: ['Account'], seed: 42 } });
 * ```
 */
export interface EmulatorActivityOptions {
  /** @default 0 */
  readonly editsPerSecond?: number;
  /** @default 0 */
  readonly createsPerSecond?: number;
  /** @default 0 */
  readonly deletesPerSecond?: number;
  /** The entities written to (`Account` or `AccountSet`). @default every entity */
  readonly services?: readonly string[];
  /** Seed of the random choices (which record, which attribute). @default 1 */
  readonly seed?: number;
}

/** The writes simulated so far. */
export interface EmulatorActivityCounts {
  edits: number;
  creates: number;
  deletes: number;
  /** Writes that found nothing to do (no record left to edit or delete). */
  skipped: number;
}

/** Options of one CDMS-user write. */
export interface EmulatorUserWriteOptions {
  /**
   * Keep the write invisible to reads for this long after it happened (a late-committing
   * transaction: its `ModifiedOn` is the time it happened). @default options.commitDelayMs
   */
  readonly visibleAfterMs?: number;
}

/** One request received by the emulator. */
export interface EmulatorRequestLog {
  /** The HTTP method as sent. */
  readonly method: string;
  /** `X-HTTP-Method` when sent (`MERGE`). */
  readonly methodOverride?: string;
  /** The decoded URL path, e.g. `/ORG/XRMServices/2011/OrganizationData.svc/AccountSet`. */
  readonly path: string;
  /** Decoded query options (`{ $filter: "Name eq 'x'" }`). */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case headers, without `cookie` and `authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, the text body (passwords redacted), or `undefined`. */
  readonly body: unknown;
  /** The status answered; `undefined` when the connection was reset or never answered. */
  status: number | undefined;
  /** The OData operation, when the request was for the data service. */
  readonly operation?: EmulatorOperation;
  /** The entity (`Account`), when the request was for an entity set. */
  readonly service?: string;
  /** The injected fault kinds applied to this request. */
  readonly faults: EmulatorFault['type'][];
  /** When the request arrived (by `options.clock`). */
  readonly receivedAt: Date;
}

/** A filter for `requestCount`: fields to match, or a predicate. */
export type EmulatorRequestFilter =
  | {
      readonly method?: string;
      readonly operation?: EmulatorOperation;
      readonly service?: string;
      readonly path?: string | RegExp;
      readonly status?: number;
    }
  | ((request: EmulatorRequestLog) => boolean);

/**
 * A record as the emulator holds it: dates as `Date`, `VersionNumber` as a number, lookups as
 * `{Id, LogicalName, Name}`, option sets as `{Value}`, money as `{Value: '12.50'}`.
 */
export type EmulatorRecord = CdmsEntity;

/** Values accepted by `seed` and `editAsCdmsUser`: the decoded forms above or their JSON wire forms. */
export type EmulatorInputRecord = Readonly<Record<string, CdmsValue | undefined>>;

/** A running emulator. */
export interface CdmsEmulator {
  /** The organisation root, e.g. `http://127.0.0.1:51234/ORG`. */
  readonly url: string;
  /** The data service root: `${url}/XRMServices/2011/OrganizationData.svc`. */
  readonly serviceUrl: string;
  /** The port listened on. */
  readonly port: number;
  /** Stops listening, destroys open connections (also the ones held by a `timeout` fault). */
  close(): Promise<void>;
  /**
   * Adds records directly (no request logged). Assigns the primary key, `CreatedOn`, `ModifiedOn`
   * and `VersionNumber` unless given; returns the created records. All or nothing.
   */
  seed(service: string, rows: readonly EmulatorInputRecord[]): EmulatorRecord[];
  /**
   * Adds `count` records quickly (100k in about a second), each from `generator(index)`; returns
   * their primary keys. The default generator fills the primary name (`Account 1`, …) and spreads
   * `CreatedOn`/`ModifiedOn` one minute apart, ending now, so that ranges of dates split the set.
   * All or nothing.
   *
   * @example
   * ```ts
   * emulator.seed('Account', 100_000);
   * emulator.seed('Contact', 20_000, (index) => ({ LastName: `Contact ${index}` }));
   * ```
   */
  seed(service: string, count: number, generator?: (index: number) => EmulatorInputRecord): string[];
  /**
   * An edit made by a user inside CDMS: changes the attributes given and bumps `ModifiedOn` and
   * `VersionNumber`. Returns the record as written (visible to reads after `visibleAfterMs`).
   */
  editAsCdmsUser(
    service: string,
    id: string,
    changes: EmulatorInputRecord,
    options?: EmulatorUserWriteOptions,
  ): EmulatorRecord;
  /** A record created by a user inside CDMS (see `editAsCdmsUser`). Returns it. */
  createAsCdmsUser(
    service: string,
    values: EmulatorInputRecord,
    options?: EmulatorUserWriteOptions,
  ): EmulatorRecord;
  /** A record deleted by a user inside CDMS (see `editAsCdmsUser`): a hard delete, no trace left. */
  deleteAsCdmsUser(service: string, id: string, options?: EmulatorUserWriteOptions): void;
  /** Starts simulated CDMS users (replacing any running activity). */
  startActivity(options: EmulatorActivityOptions): void;
  /** Stops the simulated users; returns what they did since `startActivity`. */
  stopActivity(): EmulatorActivityCounts;
  /** What the simulated users did so far. */
  activityCounts(): EmulatorActivityCounts;
  /** How many CDMS-user writes are not visible yet (see `commitDelayMs`). */
  pendingCommits(): number;
  /** The current records of an entity (copies), in primary-key order. */
  records(service: string): EmulatorRecord[];
  /** Every request received since the start (or the last `reset`/`clearRequests`). */
  readonly requests: readonly EmulatorRequestLog[];
  /** How many logged requests match the filter (all when omitted). */
  requestCount(filter?: EmulatorRequestFilter): number;
  /** Empties the request log. */
  clearRequests(): void;
  /** Back to a fresh emulator on the same port: no records, no requests, no faults, no sessions. */
  reset(): void;
  /** Adds a fault (see `EmulatorFault`). */
  addFault(matcher: EmulatorFaultMatcher, fault: EmulatorFault): void;
  /** Removes every fault. */
  clearFaults(): void;
}
