/**
 * How a chaincode result is decoded. Every GovLedger chaincode returns a JSON
 * string; an empty result is `null`.
 */

/** Decodes a chaincode result: JSON when it parses, the text otherwise, null when empty. */
export function decodeResult(bytes: Uint8Array | undefined | null): unknown {
  if (!bytes || bytes.length === 0) return null;
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
