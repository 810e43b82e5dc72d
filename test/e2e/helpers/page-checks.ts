import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE, SCREENSHOTS, seriousA11yViolations } from "./browser.js";

type Variant = { name: string; viewport: { width: number; height: number }; colorScheme: "light" | "dark" };

export const PHONE_DESKTOP_AND_DARK: readonly Variant[] = [
  { name: "phone", viewport: PHONE, colorScheme: "light" },
  { name: "desktop", viewport: DESKTOP, colorScheme: "light" },
  { name: "phone-dark", viewport: PHONE, colorScheme: "dark" },
];
export const ALL_VARIANTS: readonly Variant[] = [
  ...PHONE_DESKTOP_AND_DARK,
  { name: "desktop-dark", viewport: DESKTOP, colorScheme: "dark" },
];

export interface PageCheckOptions {
  variants?: readonly Variant[];
  /** Report controls under 44×44 px on a phone (default true). */
  tapTargets?: boolean;
  /** Screenshot the whole page rather than the viewport (default true). */
  fullPage?: boolean;
}

/**
 * What is wrong with the page as it stands, at phone and desktop size, light and dark: axe's
 * serious and critical violations, a sideways scroll at 320 px, controls under 44×44 px on a
 * phone. Saves a screenshot of each size, the whole page, as `<name>-<variant>.png` in
 * test-results/screenshots. Empty when all is well.
 */
export async function pageProblems(page: Page, name: string, options: PageCheckOptions = {}): Promise<string[]> {
  const { variants = PHONE_DESKTOP_AND_DARK, tapTargets = true, fullPage = true } = options;
  const problems: string[] = [];
  for (const variant of variants) {
    await page.setViewportSize(variant.viewport);
    await page.emulateMedia({ colorScheme: variant.colorScheme, reducedMotion: "reduce" });
    await page.waitForTimeout(150);
    let violations = await seriousA11yViolations(page);
    // A colour-scheme switch repaints over a few frames: count what is still there once settled.
    if (violations.length > 0) {
      await page.waitForTimeout(600);
      violations = await seriousA11yViolations(page);
    }
    for (const v of violations) problems.push(`${name} (${variant.name}): ${v}`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${variant.name}.png`), fullPage });
  }
  await page.setViewportSize(PHONE);
  await page.emulateMedia({ colorScheme: "light" });
  if (tapTargets) {
    for (const small of await smallTapTargets(page)) problems.push(`${name}: small tap target ${small}`);
  }
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  if (overflow > 0) problems.push(`${name}: scrolls sideways by ${overflow}px at 320px wide`);
  await page.setViewportSize(PHONE);
  return problems;
}

/** Controls smaller than 44×44 px (text links inside sentences, and hidden ones, excepted). */
function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const small: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      "button, input, select, textarea, nav a, header a, main a[class*='min-h-11'], [role=button]",
    );
    for (const el of controls) {
      const box = el.getBoundingClientRect();
      if (box.width <= 2 || getComputedStyle(el).visibility === "hidden") continue;
      if (box.width < 44 || box.height < 44) {
        small.push(
          `${el.tagName.toLowerCase()} "${el.getAttribute("aria-label") ?? el.textContent?.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`,
        );
      }
    }
    return small;
  });
}
