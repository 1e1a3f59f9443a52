/** Real-time helpers for journeys that depend on the transaction clock (opening and closing times). */

/** An ISO-8601 time `ms` from now. */
export function inMs(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** Sleeps until the given ISO time has passed (plus a small margin). */
export async function waitUntil(iso: string, marginMs = 300): Promise<void> {
  const wait = Date.parse(iso) + marginMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
