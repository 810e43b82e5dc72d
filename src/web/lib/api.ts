import { createApiClient } from "./api-client.js";
import { createAuthChannel } from "./auth-channel.js";
import { createSession } from "./session.js";

/** The page's one session and API client. */
export const session = createSession({ channel: createAuthChannel() });
export const api = createApiClient({ session });
