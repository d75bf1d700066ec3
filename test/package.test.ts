import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

function builtFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/;

/** The packages the built server imports (statically or dynamically), by package name. */
function importedPackages(): Set<string> {
  const names = new Set<string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'".][^'"]*)['"]/g;
  for (const file of [...builtFiles(path.join(ROOT, 'dist', 'src')), ...builtFiles(path.join(ROOT, 'dist', 'migrations'))]) {
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(specifier)) {
      if (spec.startsWith('node:') || builtinModules.includes(spec) || !PACKAGE_NAME.test(spec)) continue;
      const parts = spec.split('/');
      names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return names;
}

describe('the npm package', () => {
  it('depends at runtime on exactly the packages the server imports', () => {
    expect([...importedPackages()].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('ships the built server, its migrations, the prepared database image, the board with its vendored modules, prompts and schemas, and no sources or tests', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    for (const expected of ['dist/src/cli.js', 'dist/migrations/index.js', 'dist/pglite-image/pgdata.tar.gz', 'dist/pglite-image/image.json', 'dist/web/vendor/dagre.esm.js', 'web/board/graph-view.js', 'prompts', 'schema', 'README.md']) {
      expect(files.some((f) => f === expected || f.startsWith(`${expected}/`)), expected).toBe(true);
    }
    expect(files.filter((f) => /^(test|bench|scripts|src|\.cache)\//.test(f) || f.endsWith('.ts') || f.endsWith('.mcpb'))).toEqual([]);
  });
});
