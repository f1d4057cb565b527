/** Options of `client.get(…)`. */
export interface CdmsGetOptions {
  /** `$select`: the attributes to return (all when absent). */
  select?: readonly string[];
}

/** Options of `client.listAll(…)` and `client.listAllToArray(…)`. */
export interface CdmsListAllOptions {
  /**
   * The most entities to yield; pages stop being fetched once reached. Unlike `top` it is not sent
   * to CDMS, so it also caps a query without `$top`. @default no limit
   */
  limit?: number;
}
