import type { AccessClaims } from "../auth/access-tokens.js";

/** What middleware hands to handlers through the context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by requireUser: the verified access token's user and session. */
    auth: AccessClaims;
  };
}
