import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

/**
 * A router of a few dozen lines: the app has a handful of pages and keeps its filters in the query
 * string, which the History API does well by itself (and a router library would cost more
 * JavaScript than the whole app).
 */
const NAVIGATE = "taskvault:navigate";

export interface AppLocation {
  pathname: string;
  search: string;
}

let current: AppLocation = { pathname: "", search: "" };

/** The same object while the URL is unchanged, as useSyncExternalStore requires. */
function readLocation(): AppLocation {
  const { pathname, search } = window.location;
  if (pathname !== current.pathname || search !== current.search) current = { pathname, search };
  return current;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): AppLocation {
  return useSyncExternalStore(subscribe, readLocation);
}

/** The query string as URLSearchParams (a new object on each navigation). */
export function useSearchParams(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

/** Goes to `to` (a path with an optional query string). `replace` keeps the history entry. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const before = `${window.location.pathname}${window.location.search}`;
  if (to === before) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** An anchor that navigates without reloading, unless the user asks for a new tab or window. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={handleClick} {...rest} />;
}
