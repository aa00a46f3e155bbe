export { userService, type UserServiceOptions } from './service.js';
export { loadKeyStore, type KeyStore } from './keys/key-store.js';
export { PRIVACY_EXPORT_PATHS, type PrivacySource, type PrivacySources } from './privacy/export-my-data.js';
export {
  userServiceEnvSchema,
  loadUserServiceConfig,
  oidcOptionsFrom,
  keyStoreFrom,
  mfaKeyFrom,
  userServiceOptionsFrom,
  type UserServiceConfig,
} from './config.js';
export type { UsersDb } from './db/schema.js';
