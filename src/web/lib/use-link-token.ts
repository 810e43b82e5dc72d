import { useEffect, useState } from "react";
import { navigate, useLocation } from "./router.js";

/**
 * The `?token=` of an emailed link, read once; the address bar then drops it, so that it stays out
 * of the history, bookmarks and anything synced from them (the page keeps it in memory for as long
 * as it needs it). Null when the link came without one.
 */
export function useLinkToken(): string | null {
  const { pathname, search } = useLocation();
  const [token] = useState(() => new URLSearchParams(search).get("token"));
  useEffect(() => {
    if (new URLSearchParams(search).has("token")) navigate(pathname, { replace: true });
  }, [pathname, search]);
  return token || null;
}
