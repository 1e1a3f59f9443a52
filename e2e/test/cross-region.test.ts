/**
 * Issue 18 on the real network: cross-region service. Runs alone:
 * cd e2e && npx jest test/cross-region.test.ts
 */
import { materialsSuite } from './cross-region/materials';
import { presentationSuite } from './cross-region/presentation';

describe('cross-region', () => {
  presentationSuite();
  materialsSuite();
});
