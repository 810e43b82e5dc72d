/** Length in Unicode code points, the unit the contract counts in (an emoji is one character). */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * Text the database can store as given: no NUL (PostgreSQL text cannot hold it) and no lone
 * UTF-16 surrogate (it has no UTF-8 form and would be silently replaced).
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes("\u0000");
}

/** Whether a trimmed string's length, in code points, lies within [min, max]. */
export function hasLengthBetween(value: string, min: number, max: number): boolean {
  const n = codePointLength(value);
  return n >= min && n <= max;
}
