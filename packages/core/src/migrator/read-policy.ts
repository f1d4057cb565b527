import { ValidationError } from '../errors/errors';

/**
 * How a CDMS-mode read decides what to ask CDMS before answering from the local store.
 *
 * - `'always'` (the default): list (or GET) the matching CDMS records on every read.
 * - `'delta'`: the model is a complete mirror up to its poll watermark (a completed backfill):
 *   fetch what changed since the watermark (`ModifiedOn ge watermark − overlap`, one request when
 *   nothing changed), apply it, advance the watermark, then answer from the local store.
 * - `{ maxStalenessMs }`: answer from the local store without any request when the last
 *   successful poll or delta of the model is younger than `maxStalenessMs`; otherwise as `'delta'`.
 *
 * Hard deletes in CDMS are never in a delta (CRM 2011 keeps no tombstones): under `'delta'` and
 * staleness a record deleted in CDMS stays in the local answer until `sync.reconcile({ repair:
 * true })` removes it. Under `'always'` a listing that holds every match finds them (see
 * docs/sync-semantics.md).
 *
 * @example
 * ```ts
 * class OrganisationMigrator extends Migrator {
 *   readonly service = 'Account';
 *   override readonly readPolicy: ReadPolicy = 'delta';
 *   …
 * }
 * await Organisation.objects.fresh({ maxStalenessMs: 30_000 }).count();
 * // no request when the last poll was < 30 s ago, else
 * // GET AccountSet?$filter=ModifiedOn ge datetime'…'&$orderby=ModifiedOn,AccountId&$select=…
 * // SELECT count(*) FROM organisation
 * ```
 */
export type ReadPolicy = 'always' | 'delta' | { readonly maxStalenessMs: number };

/**
 * `policy` when it is a valid read policy; otherwise a `ValidationError` (before any I/O).
 * @internal
 */
export function checkReadPolicy(policy: unknown, where: string): ReadPolicy {
  if (policy === 'always' || policy === 'delta') return policy;
  if (typeof policy === 'object' && policy !== null && 'maxStalenessMs' in policy) {
    const { maxStalenessMs } = policy as { maxStalenessMs: unknown };
    if (typeof maxStalenessMs === 'number' && Number.isFinite(maxStalenessMs) && maxStalenessMs >= 0) {
      return { maxStalenessMs };
    }
  }
  throw new ValidationError(
    `${where}: a read policy is 'always', 'delta' or { maxStalenessMs: number >= 0 }, got ${JSON.stringify(policy)}`,
  );
}
