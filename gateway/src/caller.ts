/**
 * Who a call is made for, independent of how the caller was authenticated: the
 * write pipeline and the Fabric layer name callers with this, the HTTP layer
 * (auth.ts) builds it from a bearer token.
 */

/** The authenticated caller of a request. */
export interface Caller {
  /** Token subject; also the label of the caller's identity in the wallet. */
  subject: string;
  /** Organisation (MSP ID). */
  org: string;
  /** Roles granted by the token (e.g. `issuer`, `admin`). */
  roles: string[];
  /** Department code, when the token names one. */
  dept?: string;
  /** Pseudonymous id (citizens and enterprises), when the token names one. */
  pid?: string;
}

/** Pattern of subjects (they double as wallet labels and file names). */
export const SUBJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
