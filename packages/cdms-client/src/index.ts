// The public API. This file only re-exports; each section belongs to one area of the package.

// #region errors
export { CdmsBadRequestError, isCdmsBadRequestError } from './errors/cdms-bad-request-error';
export { CdmsConflictError, isCdmsConflictError } from './errors/cdms-conflict-error';
export type { CdmsErrorCode, CdmsErrorOptions } from './errors/cdms-error';
export { CdmsError, isCdmsError } from './errors/cdms-error';
export { CdmsForbiddenError, isCdmsForbiddenError } from './errors/cdms-forbidden-error';
export { CdmsInvalidArgumentError, isCdmsInvalidArgumentError } from './errors/cdms-invalid-argument-error';
export { CdmsLoginError, isCdmsLoginError } from './errors/cdms-login-error';
export { CdmsNetworkError, isCdmsNetworkError } from './errors/cdms-network-error';
export { CdmsNotFoundError, isCdmsNotFoundError } from './errors/cdms-not-found-error';
export { CdmsServerError, isCdmsServerError } from './errors/cdms-server-error';
export { CdmsTimeoutError, isCdmsTimeoutError } from './errors/cdms-timeout-error';
export { CdmsTooManyRequestsError, isCdmsTooManyRequestsError } from './errors/cdms-too-many-requests-error';
export { CdmsUnauthorizedError, isCdmsUnauthorizedError } from './errors/cdms-unauthorized-error';
export {
  CdmsUnexpectedResponseError,
  isCdmsUnexpectedResponseError,
} from './errors/cdms-unexpected-response-error';
export { extractODataMessage } from './errors/extract-odata-message';
export { redactUrl } from './errors/redact';
// #endregion errors

// #region client
export { CdmsClient } from './client/cdms-client';
export { DEFAULT_SERVICE_PATH } from './client/entity-url';
export { isGuid } from './values/guid';
export type { CdmsGetOptions, CdmsListAllOptions } from './client/method-options';
export type {
  CdmsClientStats,
  CdmsMethod,
  CdmsOperation,
  CdmsRequestListener,
  CdmsThrottleListener,
} from './client/request-events';
export type { CdmsBudgetOptions, CdmsBudgetStats, CdmsThrottleEvent } from './client/request-budget';
export { DEFAULT_RETRY_OPTIONS } from './client/retry-policy';
export type {
  CdmsClientOptions,
  CdmsEntity,
  CdmsEntityReference,
  CdmsListQuery,
  CdmsLogger,
  CdmsPage,
  CdmsRequestEvent,
  CdmsRetryOptions,
  CdmsValue,
  CdmsValueWrapper,
} from './client/types';
// #endregion client

// #region odata
export type { OperandInput } from './odata/filter-builder';
/** Builders of frozen filter nodes: `eq(property('Name'), literal.string('x'))`, `and(…)`, `substringof(…)` … */
export {
  and,
  compare,
  endswith,
  eq,
  ge,
  gt,
  le,
  lt,
  ne,
  not,
  or,
  property,
  startswith,
  substringof,
  tolower,
  toupper,
  value,
} from './odata/filter-builder';
/** The `$filter` tree types (see `filter-tree.ts`). */
export type {
  ODataCaseCall,
  ODataComparisonOperator,
  ODataFilter,
  ODataLiteral,
  ODataLiteralOperand,
  ODataOperand,
  ODataOrderBy,
  ODataProperty,
  ODataStringFunction,
} from './odata/filter-tree';
/** Typed literal builders (`literal.string`, `.guid`, `.datetime` …) and their exact `$filter` text. */
export { formatLiteral, literal } from './odata/literal';
export type {
  CdmsAssociationEndMetadata,
  CdmsAssociationMetadata,
  CdmsAssociationSetMetadata,
  CdmsComplexTypeMetadata,
  CdmsEntityTypeMetadata,
  CdmsMetadata,
  CdmsNavigationPropertyMetadata,
  CdmsPropertyMetadata,
} from './odata/metadata';
/** `$metadata` (EDMX) reader and writer. */
export { parseMetadata, renderMetadata } from './odata/metadata';
/** Errors of the OData text layer (`code` 'ODATA_SYNTAX' / 'INVALID_LITERAL'). */
export {
  InvalidLiteralError,
  isInvalidLiteralError,
  isODataSyntaxError,
  ODataSyntaxError,
} from './odata/odata-syntax-error';
/** `$filter` / `$orderby` text -> tree (used by the emulator). */
export { parseFilter, parseOrderBy } from './odata/parse-filter';
export type { ODataQueryOptions, ParsedODataQuery } from './odata/query-string';
/** Query strings of list requests: build (client) and parse (emulator). */
export { buildQueryString, parseQueryString } from './odata/query-string';
/** Tree -> `$filter` / `$orderby` text, every literal escaped. */
export { formatOrderBy, serializeFilter } from './odata/serialize-filter';
// #endregion odata

// #region values
/** `/Date(ms)/` values of CRM's JSON. */
export { formatCdmsDate, isCdmsDate, parseCdmsDate } from './values/cdms-date';
/** Lookup / option set / money builders and tolerant readers. */
export {
  entityReference,
  money,
  optionSetValue,
  readEntityReferenceId,
  readMoney,
  readOptionSetValue,
} from './values/complex-values';
/** Entity JSON <-> plain values (`__metadata` stripped, dates decoded). */
export { decodeEntity, encodeEntity } from './values/decode-entity';
// #endregion values

// #region auth
export type { AdfsFormAuthOptions } from './auth/adfs-form-auth';
export { AdfsFormAuth } from './auth/adfs-form-auth';
export type { CdmsAuth, CdmsAuthContext } from './auth/cdms-auth';
export type { CookieStore, StoredCookie, StoredCookies } from './auth/cookie-store';
export type { EncryptedFileCookieStoreOptions } from './auth/encrypted-file-cookie-store';
export { EncryptedFileCookieStore } from './auth/encrypted-file-cookie-store';
export type { CookieAuthOptions, HeadersAuthOptions } from './auth/headers-auth';
export { CookieAuth, HeadersAuth } from './auth/headers-auth';
export { MemoryCookieStore } from './auth/memory-cookie-store';
export type { WsTrustAuthOptions } from './auth/ws-trust-auth';
export { WsTrustAuth } from './auth/ws-trust-auth';
export type { WsTrustToken } from './auth/ws-trust-response';
// #endregion auth
