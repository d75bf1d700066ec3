import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: found upward from this file, so it works from src/ (tsx, tests) and from dist/src/. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tasklane: package.json not found above the web module');
    dir = up;
  }
  return dir;
}

/** The board's ES modules and CSS, shipped in the package as they are (no build step). */
export const BOARD_ASSETS_DIR = path.join(packageRoot(), 'web', 'board');

/** dagre's self-contained ES module bundle, copied from the dev dependency at build time (scripts/vendor-web.ts). */
export const DAGRE_BUNDLE = path.join(packageRoot(), 'dist', 'web', 'vendor', 'dagre.esm.js');
