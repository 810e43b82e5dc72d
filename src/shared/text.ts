/** Length in Unicode code points, the unit the contract counts in (an emoji is one character). */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
