/**
 * The e-licence collection config as the network scripts generate it from
 * network/consortium.json (test-network-scripts/lib/tools.js, the same code
 * deploy.sh runs), without blockToLive (deploy.sh adds it from the retention).
 */
import { join } from 'path';
import { readFileSync } from 'fs';

const ROOT = join(__dirname, '..', '..', '..');

interface Tools {
  expandCollections(consortium: unknown, collections: unknown[], members?: string[]): unknown[];
  consortiumOrgs(consortium: unknown): { mspId: string; licensing?: boolean }[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require(join(ROOT, 'test-network-scripts', 'lib', 'tools.js')) as Tools;

function readJson(...path: string[]): unknown {
  return JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as unknown;
}

/** The collections generated for every licensing city of the consortium (or only `members`). */
export function generatedCollections(members?: string[]): unknown[] {
  return tools.expandCollections(
    readJson('network', 'consortium.json'),
    readJson('network', 'chaincodes', 'e-licence', 'collections.json') as unknown[],
    members,
  );
}

/** The MSP ids consortium.json marks as licensing cities, in consortium order. */
export function licensingCities(): string[] {
  return tools
    .consortiumOrgs(readJson('network', 'consortium.json'))
    .filter((o) => o.licensing === true)
    .map((o) => o.mspId);
}
