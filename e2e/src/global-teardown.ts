/** Jest global tear-down: stops the network the set-up started (never one it was given). */
import { networkSh } from './test-network';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.E2E_STATE_DIR;
  if (!dir || process.env.E2E_OWN_NETWORK !== '1') return;
  networkSh(['down', '--state-dir', dir]);
}
