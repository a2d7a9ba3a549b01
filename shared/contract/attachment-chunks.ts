/**
 * Upload and download attachments in chunks of this many bytes (base64 on the wire). Its own
 * module: the core's upload and export code needs the number, not the contract's schemas.
 */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;
