/**
 * The hand-written baseline of the sync benchmark: the same logical operations as cdms-sync on the
 * same kind of tables, written directly with Knex and axios the way a careful developer would
 * without the library. It keeps the guarantees the library documents (one local transaction per
 * write that talks to CDMS, client-chosen GUID on create, refresh only when CDMS is newer, a
 * history row per change, `$select` of the mapped attributes, escaped literals, `__next` paging)
 * and nothing more. "Newer" is judged as against real CRM 2011, whose `ModifiedOn` has whole
 * seconds: a later `ModifiedOn`, or the same second and a greater `VersionNumber` (kept in
 * `cdms_version`), exactly as the library judges it. Without that, two writes within one second
 * would leave a stale row; both sides run on the same one-second clock. Not kept: no retries (none are needed against the loopback emulator, and the library
 * sends none in this run either), no query builder, no codecs, no model instances.
 */
import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import type { Knex } from 'knex';
import { BASELINE_HISTORY_TABLE, BASELINE_TABLE } from './organisation-model';

/** A row of `baseline_organisation`. */
export interface BaselineRow {
  id: number;
  cdms_pk: string;
  created: Date;
  modified: Date;
  name: string;
  uk_organisation: boolean;
  notes: string | null;
  /** CDMS `VersionNumber` (a PostgreSQL bigint, read back as text). */
  cdms_version: string | number | null;
}

/** The mapped fields a caller writes. */
export interface BaselineValues {
  name: string;
  ukOrganisation: boolean;
}

/** What the library's migrator selects: the key, the timestamps, the mapped attributes and the version. */
const SELECT = 'AccountId,CreatedOn,ModifiedOn,Name,optevia_ukorganisation,VersionNumber';

/** An Account as `$select=SELECT` returns it. */
interface AccountJson {
  AccountId: string;
  CreatedOn: string;
  ModifiedOn: string;
  Name: string | null;
  optevia_ukorganisation: boolean | null;
  /** Edm.Int64: a JSON string. */
  VersionNumber: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/Date(1663715691000)/` -> Date. */
function parseCdmsDate(text: string): Date {
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(text);
  if (!match?.[1]) throw new Error(`Not a CDMS date: ${text}`);
  return new Date(Number(match[1]));
}

/** A quote inside an OData string literal is doubled. */
function odataString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `%`, `_` and the escape character itself are literal in the user's prefix. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function entityPath(cdmsPk: string): string {
  if (!GUID.test(cdmsPk)) throw new Error(`Not a GUID: ${cdmsPk}`);
  return `AccountSet(guid'${cdmsPk}')`;
}

function rowOf(account: AccountJson): Omit<BaselineRow, 'id' | 'notes'> {
  return {
    cdms_pk: account.AccountId.toLowerCase(),
    created: parseCdmsDate(account.CreatedOn),
    modified: parseCdmsDate(account.ModifiedOn),
    name: account.Name ?? '',
    uk_organisation: account.optevia_ukorganisation ?? false,
    cdms_version: Number(account.VersionNumber),
  };
}

/** Whether `remote` is newer than the local `row`: a later second, or the same one and a greater version. */
function isNewer(remote: Pick<BaselineRow, 'modified' | 'cdms_version'>, row: BaselineRow): boolean {
  const difference = remote.modified.getTime() - row.modified.getTime();
  if (difference !== 0) return difference > 0;
  return Number(remote.cdms_version) > Number(row.cdms_version ?? -1);
}

/** The guard of an upsert: the stored row is older than `excluded` (identifiers only). */
const OLDER_THAN = '?? < ?? or (?? = ?? and coalesce(??, -1) < ??)';

/** The guard of a refresh's UPDATE: the stored row is older than the given `modified` and version. */
const OLDER_THAN_VALUES = '(?? < ? or (?? = ? and coalesce(??, -1) < ?))';

/**
 * Organisations kept in `baseline_organisation` and in CDMS, by hand. Each method's comment says
 * exactly what it does; the benchmark compares each with the library call of the same name.
 */
export class BaselineOrganisations {
  readonly #knex: Knex;
  readonly #http: AxiosInstance;
  readonly #origin: string;

  constructor(knex: Knex, serviceUrl: string) {
    this.#knex = knex;
    this.#origin = new URL(serviceUrl).origin;
    // The same protocol headers and per-request timeout as the library's client.
    this.#http = axios.create({
      baseURL: `${serviceUrl}/`,
      timeout: 30_000,
      headers: { Accept: 'application/json', DataServiceVersion: '2.0', MaxDataServiceVersion: '2.0' },
    });
  }

  /**
   * create: in one transaction, INSERT the local row with a client-generated GUID, POST it to
   * `AccountSet` carrying `AccountId` (so a retried POST could not make a second record), store the
   * returned `CreatedOn`/`ModifiedOn`, INSERT one history row. 1 request.
   */
  create(values: BaselineValues): Promise<BaselineRow> {
    return this.#knex.transaction(async (trx) => {
      const cdmsPk = randomUUID();
      const now = new Date();
      const [inserted] = (await trx(BASELINE_TABLE)
        .insert({
          cdms_pk: cdmsPk,
          name: values.name,
          uk_organisation: values.ukOrganisation,
          created: now,
          modified: now,
        })
        .returning('*')) as BaselineRow[];
      if (!inserted) throw new Error('INSERT returned no row');
      const response = await this.#http.post<{ d: AccountJson }>('AccountSet', {
        AccountId: cdmsPk,
        Name: values.name,
        optevia_ukorganisation: values.ukOrganisation,
      });
      const stamps = {
        created: parseCdmsDate(response.data.d.CreatedOn),
        modified: parseCdmsDate(response.data.d.ModifiedOn),
        cdms_version: Number(response.data.d.VersionNumber),
      };
      await trx(BASELINE_TABLE).where({ id: inserted.id }).update(stamps);
      const saved = { ...inserted, ...stamps };
      await this.#recordHistory(trx, [saved], 'local');
      return saved;
    });
  }

  /**
   * get: SELECT the local row (absent -> error, no request), GET the record with `$select` of the
   * mapped attributes, compare `ModifiedOn` (then `VersionNumber`): the same -> the local row; CDMS
   * newer -> in one transaction UPDATE the row where it is still older and INSERT a `cdms-refresh`
   * history row; local newer -> error. 1 request.
   */
  async get(id: number): Promise<BaselineRow> {
    const row = (await this.#knex(BASELINE_TABLE).where({ id }).first()) as BaselineRow | undefined;
    if (!row) throw new Error(`Organisation ${id} does not exist`);
    const response = await this.#http.get<{ d: AccountJson }>(`${entityPath(row.cdms_pk)}?$select=${SELECT}`);
    const remote = rowOf(response.data.d);
    if (!isNewer(remote, row)) {
      if (remote.modified < row.modified)
        throw new Error(`Organisation ${id}: the local row is newer than CDMS`);
      return row;
    }
    return this.#knex.transaction(async (trx) => {
      const [updated] = (await trx(BASELINE_TABLE)
        .where({ id })
        .andWhereRaw(OLDER_THAN_VALUES, [
          'modified',
          remote.modified,
          'modified',
          remote.modified,
          'cdms_version',
          remote.cdms_version,
        ])
        .update(remote)
        .returning('*')) as BaselineRow[];
      if (!updated) return (await trx(BASELINE_TABLE).where({ id }).first()) as BaselineRow;
      await this.#recordHistory(trx, [updated], 'cdms-refresh');
      return updated;
    });
  }

  /**
   * save (existing row): in one transaction, SELECT … FOR UPDATE, POST with `X-HTTP-Method: MERGE`
   * of the mapped attributes, GET `$select=ModifiedOn,VersionNumber` to learn the new version, UPDATE the row,
   * INSERT one history row. 2 requests.
   */
  save(id: number, values: BaselineValues): Promise<BaselineRow> {
    return this.#knex.transaction(async (trx) => {
      const locked = (await trx(BASELINE_TABLE).where({ id }).forUpdate().first()) as BaselineRow | undefined;
      if (!locked) throw new Error(`Organisation ${id} does not exist`);
      const path = entityPath(locked.cdms_pk);
      await this.#http.post(
        path,
        { Name: values.name, optevia_ukorganisation: values.ukOrganisation },
        { headers: { 'X-HTTP-Method': 'MERGE' } },
      );
      const readBack = await this.#http.get<{ d: Pick<AccountJson, 'ModifiedOn' | 'VersionNumber'> }>(
        `${path}?$select=ModifiedOn,VersionNumber`,
      );
      const changes = {
        name: values.name,
        uk_organisation: values.ukOrganisation,
        modified: parseCdmsDate(readBack.data.d.ModifiedOn),
        cdms_version: Number(readBack.data.d.VersionNumber),
      };
      await trx(BASELINE_TABLE).where({ id }).update(changes);
      const saved = { ...locked, ...changes };
      await this.#recordHistory(trx, [saved], 'local');
      return saved;
    });
  }

  /**
   * delete: in one transaction, SELECT … FOR UPDATE, DELETE the CDMS record (a 404 counts as
   * already deleted), DELETE the local row, INSERT a `delete` history row. 1 request.
   */
  delete(id: number): Promise<void> {
    return this.#knex.transaction(async (trx) => {
      const locked = (await trx(BASELINE_TABLE).where({ id }).forUpdate().first()) as BaselineRow | undefined;
      if (!locked) throw new Error(`Organisation ${id} does not exist`);
      await this.#http.delete(entityPath(locked.cdms_pk), {
        validateStatus: (status) => (status >= 200 && status < 300) || status === 404,
      });
      await trx(BASELINE_TABLE).where({ id }).delete();
      await this.#recordHistory(trx, [locked], 'delete');
    });
  }

  /**
   * filter `Name startswith prefix`: GET `AccountSet?$filter=startswith(Name,'…')&$select=…&$orderby=ModifiedOn asc`,
   * then every `__next` page (checked to stay on the CDMS origin); per page, in one transaction, one
   * INSERT … ON CONFLICT (cdms_pk) DO UPDATE … WHERE the stored row is older (see `OLDER_THAN`) RETURNING * and one
   * multi-row INSERT of `cdms-refresh` history rows for what changed; then the local SELECT … LIKE,
   * ordered like CDMS (`modified`, then `id`). 1 request per page (3 for 120 rows).
   */
  async filterByNamePrefix(prefix: string): Promise<BaselineRow[]> {
    await this.#syncNamePrefix(prefix);
    return (await this.#knex(BASELINE_TABLE)
      .where('name', 'like', likePrefix(prefix))
      .orderBy([{ column: 'modified' }, { column: 'id' }])) as BaselineRow[];
  }

  /**
   * count: CDMS has no `$count`/`$inlinecount`, so the same paging and upsert as `filterByNamePrefix`,
   * then SELECT count(*) locally (the answer agrees with what the local store holds afterwards, as
   * the library's `count()` does). A count that need not refresh the local rows could page with
   * `$select=AccountId` only and skip the database; that is a different operation.
   */
  async countByNamePrefix(prefix: string): Promise<number> {
    await this.#syncNamePrefix(prefix);
    const [result] = await this.#knex(BASELINE_TABLE)
      .where('name', 'like', likePrefix(prefix))
      .count({ count: '*' });
    return Number(result?.count ?? 0);
  }

  /** skipCdms filter: the local SELECT … LIKE only. 0 requests. */
  async localFilterByNamePrefix(prefix: string): Promise<BaselineRow[]> {
    return (await this.#knex(BASELINE_TABLE)
      .where('name', 'like', likePrefix(prefix))
      .orderBy([{ column: 'modified' }, { column: 'id' }])) as BaselineRow[];
  }

  /**
   * The whole entity, as the predecessor's scrape did: GET `AccountSet?$select=…&$orderby=CreatedOn
   * asc`, then every `__next` page one after the other, each page upserted and its history written
   * as in `filterByNamePrefix`. 1 request per page; returns the pages read.
   */
  importAll(): Promise<number> {
    return this.#syncPages(`AccountSet?$select=${SELECT}&$orderby=${encodeURIComponent('CreatedOn asc')}`);
  }

  #syncNamePrefix(prefix: string): Promise<number> {
    const filter = encodeURIComponent(`startswith(Name,${odataString(prefix)})`);
    return this.#syncPages(
      `AccountSet?$filter=${filter}&$select=${SELECT}&$orderby=${encodeURIComponent('ModifiedOn asc')}`,
    );
  }

  /** Follows `__next` from `first`, upserting each page in one transaction; returns the pages read. */
  async #syncPages(first: string): Promise<number> {
    let url: string | undefined = first;
    let pages = 0;
    while (url !== undefined) {
      pages += 1;
      const response: { data: { d: { results: AccountJson[]; __next?: string } } } =
        await this.#http.get(url);
      const { results, __next: next } = response.data.d;
      if (results.length > 0) {
        await this.#knex.transaction(async (trx) => {
          const changed = (await trx(BASELINE_TABLE)
            .insert(results.map(rowOf))
            .onConflict('cdms_pk')
            .merge(['name', 'uk_organisation', 'created', 'modified', 'cdms_version'])
            .whereRaw(OLDER_THAN, [
              `${BASELINE_TABLE}.modified`,
              'excluded.modified',
              `${BASELINE_TABLE}.modified`,
              'excluded.modified',
              `${BASELINE_TABLE}.cdms_version`,
              'excluded.cdms_version',
            ])
            .returning('*')) as BaselineRow[];
          await this.#recordHistory(trx, changed, 'cdms-refresh');
        });
      }
      if (next !== undefined && new URL(next).origin !== this.#origin) {
        throw new Error('CDMS returned a __next link on another origin');
      }
      url = next;
    }
    return pages;
  }

  /** One multi-row INSERT into `baseline_history` (the library's history table shape). */
  async #recordHistory(
    trx: Knex.Transaction,
    rows: readonly BaselineRow[],
    kind: 'local' | 'cdms-refresh' | 'delete',
  ): Promise<void> {
    if (rows.length === 0) return;
    const refresh = kind === 'cdms-refresh';
    await trx(BASELINE_HISTORY_TABLE).insert(
      rows.map((row) => ({
        model: BASELINE_TABLE,
        row_id: String(row.id),
        cdms_pk: row.cdms_pk,
        kind,
        data: JSON.stringify(row),
        user: refresh ? 'cdms' : null,
        comment: refresh ? 'CDMS refresh' : null,
        created_at: new Date(),
      })),
    );
  }
}
