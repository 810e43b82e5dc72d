/**
 * An address as logs may show it: the first character of the local part and the domain, so an
 * operator can tell which domain refuses mail without the log holding who was written to.
 *
 * @example
 *   maskEmail("ada@example.com"); // "a***@example.com"
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${Array.from(email)[0]}***${email.slice(at)}`;
}
