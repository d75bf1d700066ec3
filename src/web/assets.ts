import path from 'node:path';
import { packageRoot } from '../package-root.js';

/** The board's ES modules and CSS, shipped in the package as they are (no build step). */
export const BOARD_ASSETS_DIR = path.join(packageRoot(), 'web', 'board');

/** dagre's self-contained ES module bundle, copied from the dev dependency at build time (scripts/vendor-web.ts). */
export const DAGRE_BUNDLE = path.join(packageRoot(), 'dist', 'web', 'vendor', 'dagre.esm.js');
