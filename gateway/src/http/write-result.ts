/**
 * The JSON a committed write returns, and how a chaincode result is decoded.
 * Every chaincode returns a JSON string; an empty result is `null`.
 */

/** Body of a successful write. */
export interface WriteResult {
  /** Id of the transaction that committed. */
  transactionId: string;
  /** Block that holds it, as a decimal string. */
  blockNumber: string;
  /** The chaincode's result. */
  result: unknown;
}

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

/** Builds the body of a committed write. */
export function writeResult(txId: string, blockNumber: bigint, result: Uint8Array): WriteResult {
  return { transactionId: txId, blockNumber: blockNumber.toString(), result: decodeResult(result) };
}
