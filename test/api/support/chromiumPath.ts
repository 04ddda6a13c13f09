import { existsSync } from 'node:fs';

/**
 * Debian's Chromium, which `bash scripts/setup` installs when missing (playwright-core drives it;
 * no browser is ever downloaded). PROJECTIONIST_CHROMIUM overrides the path.
 */
export const chromiumPath = (): string => {
  const path = process.env.PROJECTIONIST_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path))
    throw new Error(`no Chromium at ${path}: run bash scripts/setup (it installs Debian's chromium package)`);
  return path;
};
