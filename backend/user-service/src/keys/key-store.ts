import { loadSigningKeys, type SigningKeys } from '@secureevent/shared';

/** The user-service's token signing keys (`JWT_PRIVATE_KEY`, or generated under DATA_DIR): the current one signs, current and previous ones verify. */
export type KeyStore = SigningKeys;

/** Loads the token signing keys; see `loadSigningKeys`. */
export const loadKeyStore = loadSigningKeys;
