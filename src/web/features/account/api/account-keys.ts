/** Cache keys: everything of one user's account sits under `["account", userId]`. */
export const accountKeys = {
  user: (userId: string) => ["account", userId] as const,
  sessions: (userId: string) => ["account", userId, "sessions"] as const,
};
