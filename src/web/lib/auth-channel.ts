/** What one tab tells the others. It carries no token or secret: only that something happened. */
export type AuthMessage = { type: "signed-out" } | { type: "signed-in"; userId: string };

export interface AuthChannel {
  post(message: AuthMessage): void;
  subscribe(listener: (message: AuthMessage) => void): () => void;
}

const CHANNEL = "taskvault-auth";
const STORAGE_KEY = "taskvault-auth-event";

/**
 * Tells the app's other tabs about sign-in and sign-out. BroadcastChannel where the browser has
 * it; otherwise a `storage` event, by writing then removing a key that holds only the message
 * type and a timestamp.
 */
export function createAuthChannel(): AuthChannel {
  if (typeof BroadcastChannel === "function") {
    const channel = new BroadcastChannel(CHANNEL);
    return {
      post: (message) => channel.postMessage(message),
      subscribe(listener) {
        const onMessage = (event: MessageEvent) => {
          if (isAuthMessage(event.data)) listener(event.data);
        };
        channel.addEventListener("message", onMessage);
        return () => channel.removeEventListener("message", onMessage);
      },
    };
  }
  return {
    post(message) {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...message, at: Date.now() }));
        localStorage.removeItem(STORAGE_KEY);
      } catch {
        // Storage can be disabled; other tabs then find out on their next request.
      }
    },
    subscribe(listener) {
      const onStorage = (event: StorageEvent) => {
        if (event.key !== STORAGE_KEY || !event.newValue) return;
        try {
          const message: unknown = JSON.parse(event.newValue);
          if (isAuthMessage(message)) listener(message);
        } catch {
          // Not ours.
        }
      };
      window.addEventListener("storage", onStorage);
      return () => window.removeEventListener("storage", onStorage);
    },
  };
}

function isAuthMessage(value: unknown): value is AuthMessage {
  if (typeof value !== "object" || value === null) return false;
  const { type, userId } = value as { type?: unknown; userId?: unknown };
  return type === "signed-out" || (type === "signed-in" && typeof userId === "string");
}
