/**
 * Canonical JSON, as the chaincodes write it (json-stringify-deterministic with its defaults):
 * no whitespace, object keys sorted at every level by JavaScript's default sort (UTF-16 code
 * units), `toJSON` honoured (dates become ISO strings), `undefined` members left out and
 * `undefined` array items written as `null`, numbers and strings exactly as `JSON.stringify`
 * writes them. The same value always gives the same text, whatever order its keys were set in,
 * so its SHA-256 is the same on every peer and in every client.
 */

/** A JSON value that {@link canonicalJson} serialises (objects may hold `undefined` members, left out). */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

function write(value: unknown, seen: Set<object>): string | undefined {
  let node = value;
  if (node !== null && node !== undefined && typeof (node as { toJSON?: unknown }).toJSON === 'function') {
    node = (node as { toJSON(): unknown }).toJSON();
  }
  if (node === undefined) return undefined;
  if (node === null || typeof node !== 'object') return JSON.stringify(node) as string | undefined;
  if (seen.has(node)) throw new TypeError('canonicalJson: the value is circular');
  seen.add(node);
  try {
    if (Array.isArray(node)) return `[${node.map((item) => write(item, seen) ?? 'null').join(',')}]`;
    const record = node as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = write(record[key], seen);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(node);
  }
}

/**
 * The canonical JSON text of a value (see the module comment). Throws a TypeError for a value
 * that has no JSON text (`undefined`, a function), a circular value or a bigint.
 */
export function canonicalJson(value: JsonValue | object): string {
  const text = write(value, new Set());
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}
