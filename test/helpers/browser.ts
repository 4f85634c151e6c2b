import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium; never a browser a driver downloads. */
export const CHROMIUM_PATH = process.env.PLANNER_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether the browser tests can run. Without Chromium they are reported as skipped, by
 * name and with the reason; with PLANNER_REQUIRE_BROWSER=1 (set by `.ci/run`) a missing
 * browser fails the test file instead.
 * @example const browser = browserAvailability(); describe.skipIf(!browser.available)(`report${browser.note}`, ...)
 */
export function browserAvailability(): { available: boolean; note: string } {
  if (existsSync(CHROMIUM_PATH)) return { available: true, note: '' };
  if (process.env.PLANNER_REQUIRE_BROWSER === '1') throw new Error(`PLANNER_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  console.warn(`browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH}; set PLANNER_REQUIRE_BROWSER=1 to make this a failure`);
  return { available: false, note: ` [SKIPPED: no Chromium at ${CHROMIUM_PATH}]` };
}

/** A headless Chromium with a new, empty profile directory, removed on close. */
export async function openBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'planner-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: FLAGS, headless: true, viewport: { width: 1280, height: 900 }, offline: false });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
