/**
 * A callback ref that moves focus to its element when it appears: for a message that replaces
 * the form whose button had focus, so that keyboard and screen-reader users land on it.
 *
 * @example
 *   <div ref={focusOnMount} tabIndex={-1}>Sent.</div>
 */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
