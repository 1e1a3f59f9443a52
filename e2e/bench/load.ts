/**
 * The closed-loop load generator: `concurrency` workers, each sending its next
 * request as soon as the previous one answered, for `durationMs`. Only requests
 * that complete successfully count as throughput (for writes: committed).
 */
import { performance } from 'perf_hooks';

/** One request of a scenario: worker index and that worker's sequence number. */
export type Operation = (worker: number, seq: number) => Promise<void>;

export interface LoadResult {
  concurrency: number;
  elapsedMs: number;
  ok: number;
  errors: number;
  /** Error counts by a short reason (chaincode code, HTTP status, gRPC status). */
  errorKinds: Record<string, number>;
  latenciesMs: number[];
}

/** A failure with a short, stable reason for the error table. */
export class OperationError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

function kindOf(err: unknown): string {
  if (err instanceof OperationError) return err.kind;
  const o = err as { code?: unknown; message?: unknown } | null;
  if (o && typeof o.code === 'number') return `grpc-${o.code}`;
  if (o && typeof o.message === 'string') return o.message.slice(0, 60);
  return 'unknown';
}

/** Runs the closed loop. Requests still in flight at the end are awaited and counted. */
export async function closedLoop(
  operation: Operation,
  concurrency: number,
  durationMs: number,
  onError?: (err: unknown) => void,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  const start = performance.now();
  const stopAt = start + durationMs;
  const worker = async (w: number) => {
    for (let seq = 0; performance.now() < stopAt; seq++) {
      const t0 = performance.now();
      try {
        await operation(w, seq);
        latenciesMs.push(performance.now() - t0);
        ok++;
      } catch (err) {
        errors++;
        const kind = kindOf(err);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        if (errors <= 3 && onError) onError(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { concurrency, elapsedMs: performance.now() - start, ok, errors, errorKinds, latenciesMs };
}
