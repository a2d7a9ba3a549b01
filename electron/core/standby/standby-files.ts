/** In the standby's folder: where it follows (no secret: the identity and the S3 secret are in the key store). */
export const STANDBY_CONFIG_FILE = 'standby.json';
