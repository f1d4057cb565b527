// The public API. This file only re-exports; each section belongs to one area of the package.

// #region errors
// #endregion errors

// #region client
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
// #endregion odata

// #region values
// #endregion values

// #region auth
export type { CdmsAuth, CdmsAuthContext } from './auth/cdms-auth';
// #endregion auth

