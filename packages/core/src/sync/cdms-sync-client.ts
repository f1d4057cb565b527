import type { CdmsEntity, CdmsListQuery, CdmsMetadata, CdmsPage } from '@cdms-sync/cdms-client';

/**
 * The part of `CdmsClient` (from `@cdms-sync/cdms-client`) the sync engine uses. A `CdmsClient`
 * satisfies it; tests and hosts may pass anything with the same shape (a per-user client, a wrapper
 * that counts requests …).
 */
export interface CdmsSyncClient {
  /**
   * The Organization Data Service root URL (`CdmsClient.serviceRoot`). When given, the sync
   * engine counts it in the URL length of list requests (see `SyncOptions.maxUrlLength`).
   */
  readonly serviceRoot?: string;
  /** List `service` page by page, following `__next`; `query.top` caps the total. */
  pages(service: string, query?: CdmsListQuery): AsyncIterable<CdmsPage<CdmsEntity>>;
  /** GET one record; rejects with a `CDMS_NOT_FOUND` error on 404. */
  get(service: string, id: string, options?: { select?: readonly string[] }): Promise<CdmsEntity>;
  /** POST a record; resolves with the created entity (incl. `CreatedOn`/`ModifiedOn`). */
  create(service: string, data: Record<string, unknown>): Promise<CdmsEntity>;
  /** MERGE the given attributes into a record. */
  update(service: string, id: string, data: Record<string, unknown>): Promise<unknown>;
  /** DELETE a record. */
  delete(service: string, id: string): Promise<unknown>;
  /** Optional: the parsed `$metadata` (`CdmsClient.metadata()`), for `sync.check()`. */
  metadata?(): Promise<CdmsMetadata>;
}

/**
 * True for the `CDMS_NOT_FOUND` error a `CdmsSyncClient` rejects with on 404 (checked by `code`, so it
 * also works across copies of `@cdms-sync/cdms-client`).
 * @internal
 */
export function isCdmsNotFound(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'CDMS_NOT_FOUND';
}
