// The emulator entry point: `@cdms-sync/cdms-client/emulator`. This file only re-exports.
export {
  ADFS_ERROR_LABEL_ID,
  ADFS_INCORRECT_CREDENTIALS,
  ADFS_LOGIN_PATH,
  ADFS_PASSWORD_FIELD,
  ADFS_SUBMIT_FIELD,
  ADFS_USERNAME_FIELD,
  AUTH_COOKIE,
  CLIENT_ID_COOKIE,
  RESOURCE_STS_PATH,
} from './adfs-login';
export { CdmsEmulatorError, isCdmsEmulatorError } from './cdms-emulator-error';
export { accountEntity, contactEntity, defaultEntities, systemUserEntity } from './default-entities';
export { ORGANIZATION_DATA_SERVICE_PATH, startCdmsEmulator } from './start-cdms-emulator';
export { ACTIVITY_USER } from './cdms-user-activity';
export type {
  CdmsEmulator,
  CdmsEmulatorOptions,
  EmulatorActivityCounts,
  EmulatorActivityOptions,
  EmulatorAttributeDefinition,
  EmulatorAttributeType,
  EmulatorAuthOptions,
  EmulatorEntityDefinition,
  EmulatorFault,
  EmulatorFaultMatcher,
  EmulatorFaultRule,
  EmulatorInputRecord,
  EmulatorOperation,
  EmulatorRecord,
  EmulatorRequestFilter,
  EmulatorRequestLog,
  EmulatorUserWriteOptions,
} from './types';
