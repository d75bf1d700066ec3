import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = (() => {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      return require(candidate) as { version: string };
    } catch {
      // built (dist/src) and source (src) layouts sit at different depths
    }
  }
  return { version: '0.0.0' };
})();

export const VERSION = pkg.version;
