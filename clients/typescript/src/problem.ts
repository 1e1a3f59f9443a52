/** The gateway's RFC 9457 problem+json answers as an Error, for helpers that throw. */

/** The members of a problem+json body every gateway refusal has (see the `Problem` schema). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable error code (the chaincode's code for chaincode refusals). */
  code: string;
  [member: string]: unknown;
}

/** A refusal of the gateway, with its status and problem body (when the body was one). */
export class GatewayProblemError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The problem+json body, when the answer carried one. */
  readonly problem: ProblemBody | undefined;

  /** Wraps an answer's status and body. */
  constructor(status: number, problem: ProblemBody | undefined) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `the gateway answered ${status}`);
    this.name = 'GatewayProblemError';
    this.status = status;
    this.problem = problem;
  }

  /** Reads a failed response's body (problem+json or not) into an error. */
  static async from(response: Response): Promise<GatewayProblemError> {
    let problem: ProblemBody | undefined;
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object' && typeof (body as ProblemBody).code === 'string') {
        problem = body as ProblemBody;
      }
    } catch {
      // not JSON
    }
    return new GatewayProblemError(response.status, problem);
  }
}

/**
 * The delay a `Retry-After` header asks for, in milliseconds (delta-seconds or an HTTP date);
 * undefined when the header is absent or unreadable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
