// npm run build: copies the browser's third-party modules into dist/web/vendor, which the package
// ships; the server serves them from there, so they stay dev dependencies (the server never runs them).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'dist', 'web', 'vendor');
const dagre = path.dirname(createRequire(import.meta.url).resolve('@dagrejs/dagre/package.json'));

fs.mkdirSync(OUT, { recursive: true });
// dagre's self-contained ES module bundle (graphlib included), without its source map line.
const bundle = fs.readFileSync(path.join(dagre, 'dist', 'dagre.esm.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
fs.writeFileSync(path.join(OUT, 'dagre.esm.js'), bundle);
fs.copyFileSync(path.join(dagre, 'LICENSE'), path.join(OUT, 'dagre.LICENSE'));
