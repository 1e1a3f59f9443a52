/**
 * The event names a chaincode's source emits, read from its `src/` folder, so a
 * unit test can compare them with the wire contract's event catalogue: the name
 * argument of every `emitEvent(ctx, …)` call (capitalised string literals, both
 * branches of a conditional), every `…Event.Name` member of an event-name
 * constant (`EventName.X` too), and the capitalised `event: '…'` members of the tables such calls
 * read their name from.
 */
import fs from 'fs';
import path from 'path';

/** Every event name emitted by the TypeScript sources under `srcDir`, sorted, without duplicates. */
export function emittedEventNames(srcDir: string): string[] {
  const names = new Set<string>();
  for (const file of fs.readdirSync(srcDir, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(srcDir, file), 'utf8');
    for (const m of text.matchAll(/emitEvent\(\s*ctx\s*,\s*([^,]+),/g)) {
      for (const lit of m[1].matchAll(/'([A-Z][A-Za-z]+)'/g)) names.add(lit[1]);
    }
    for (const m of text.matchAll(/Event(?:Name)?\.([A-Z][A-Za-z]+)/g)) names.add(m[1]);
    for (const m of text.matchAll(/\bevent:\s*'([A-Z][A-Za-z]+)'/g)) names.add(m[1]);
  }
  return [...names].sort();
}
