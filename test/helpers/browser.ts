/**
 * A real headless browser for the console tests: Debian's chromium (apt-get install -y chromium), driven by
 * playwright-core, which downloads no browser. Without it the browser tests say they did not run; in CI they fail
 * (scripts/test-setup.sh installs it there).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  const why = `no ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`the console browser tests cannot run: ${why}`);
  console.warn(`\n*** The console browser tests will NOT run: ${why}. ***\n`);
}

/** Where the tests leave their screenshots (ignored by git). */
export const ARTIFACTS = join('test', 'artifacts', 'console');

// Without these the browser reaches for the network at start (updates, sync, QUIC probes) and stalls on a closed machine.
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** A browser with a fresh profile (removed on close). */
export async function openBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'strata-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
  });
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/** Presses Tab until `selector` has the focus; fails when it is not reached within `max` presses. */
export async function tabTo(page: Page, selector: string, max = 120): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return presses;
  }
  throw new Error(`${selector} was not reached with ${max} presses of Tab`);
}

/** The focused element's outline, as drawn (style and width): the visible focus. */
export function focusRing(page: Page): Promise<{ style: string; width: string; tag: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const css = getComputedStyle(el);
    return { style: css.outlineStyle, width: css.outlineWidth, tag: el.tagName.toLowerCase() };
  });
}
