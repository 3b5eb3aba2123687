import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined (Debian's chromium; never a downloaded browser). */
export function chromiumSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not installed (apt-get install chromium; scripts/ensure-system.mjs does it as root)`;
}

/**
 * Headless Debian chromium. Without the background-networking flags chromium keeps dialling Google's
 * hosts, which this sandbox refuses (see the machine notes); --no-sandbox because tests may run as root.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh directory for this run's screenshots (kept for inspection; printed by the test). */
export function screenshotDir(): string {
  return mkdtempSync(join(tmpdir(), 'kedge-dashboard-shots-'));
}
