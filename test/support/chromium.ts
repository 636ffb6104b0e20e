/**
 * Headless Chromium for the page tests: Debian's package (`.ci/run` installs it) driven by
 * playwright-core, launched with nothing that reaches the network on its own, and pages opened on a
 * local file with every request they make recorded — a page must draw from the file alone.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is here; without it the suite named `suite` says once that it is skipped. */
export function hasChromium(suite: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) {
    console.warn(
      `${suite}: SKIPPED — ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`,
    );
  }
  return present;
}

/** Headless Chromium with its own background traffic (updates, sync, QUIC probes) switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A 900 × 1000 page of `browser` on the local `file`, every request it makes pushed to
 * `record.requests` and, when given, console errors and uncaught exceptions to `record.errors`.
 */
export async function openFile(
  browser: Browser,
  file: string,
  record: { readonly requests: string[]; readonly errors?: string[] },
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  page.on('request', (request) => record.requests.push(request.url()));
  const { errors } = record;
  if (errors !== undefined) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
  }
  await page.goto(`file://${file}`);
  return page;
}
