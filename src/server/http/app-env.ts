/** Who is calling, once requireUser (src/server/auth) has verified the access token. */
export interface Caller {
  userId: string;
  sessionId: string;
  /** The access token's expiry, seconds since the epoch. */
  exp: number;
}

/** What middleware hands to handlers through the context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by requireUser: the verified access token's user and session. */
    auth: Caller;
  };
}
