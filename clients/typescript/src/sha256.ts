/** SHA-256 as the chaincodes write it: lower-case hex. */
import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of a UTF-8 string or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
