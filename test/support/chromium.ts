/**
 * Debian's Chromium, headless, for the tests that need a real browser (the status page, the cross-site
 * attacks). The flags keep it from reaching for Google's services, which this machine's closed network
 * would refuse many times over; `.ci/run` installs the package.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const QUIET_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium with the quiet flags plus `extraArgs`; fails plainly when it is not installed. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is absent: this test needs Debian's chromium (apt-get install -y chromium).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...QUIET_ARGS, ...extraArgs] });
}
