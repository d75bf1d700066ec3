// npm run bundle: a Claude Desktop bundle (.mcpb, https://github.com/modelcontextprotocol/mcpb) of the
// server: the files `npm pack` ships, their production dependencies as package-lock.json pins them,
// and a manifest; written to dist/tasklane-<version>.mcpb. Expects a built dist/ (npm run build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packExtension } from '@anthropic-ai/mcpb';

const ROOT = path.resolve(import.meta.dirname, '..');

type PackageJson = { name: string; version: string; description: string; license: string; engines: { node: string } };

/** The bundle's manifest (MCPB manifest 0.3): node runs the built CLI from the unpacked folder. */
export function bundleManifest(pkg: PackageJson) {
  return {
    manifest_version: '0.3',
    name: pkg.name,
    display_name: 'Tasklane',
    version: pkg.version,
    description: pkg.description,
    long_description:
      'One shared, durable task board for AI coding agents. An orchestrator writes a breakdown of tasks with ' +
      'dependencies; workers ask for the next ready task, claimed for them atomically; everyone reports status, ' +
      'notes and results, and records lessons learned. The board is an embedded Postgres (PGlite) in a folder, ' +
      'or a Postgres server.',
    author: { name: 'Tasklane contributors' },
    license: pkg.license,
    keywords: ['tasks', 'agents', 'orchestration', 'postgres', 'mcp'],
    server: {
      type: 'node',
      entry_point: 'dist/src/cli.js',
      mcp_config: {
        command: 'node',
        args: ['${__dirname}/dist/src/cli.js'],
        // An empty value is unset for tasklane: the defaults below then apply.
        env: { TASKLANE_DATABASE_URL: '${user_config.database_url}', TASKLANE_PROJECT: '${user_config.project}' },
      },
    },
    user_config: {
      database_url: {
        type: 'string',
        title: 'Database',
        description: 'A folder for the embedded database, or postgres://user@host:5432/db for a shared server. Empty: ~/.tasklane/data',
        required: false,
        default: '',
      },
      project: {
        type: 'string',
        title: 'Default project',
        description: 'The project a call without one works on. Empty: "default"',
        required: false,
        default: '',
      },
    },
    compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: pkg.engines.node } },
  };
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Builds the bundle into `outDir` and returns its path. Takes a minute at most: most of it is compressing. */
export async function buildBundle(outDir = path.join(ROOT, 'dist')): Promise<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tasklane-bundle-'));
  try {
    // Exactly what the npm package ships (the `files` list), unpacked.
    const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT).trim().split('\n').at(-1)!;
    const stage = path.join(work, 'stage');
    fs.mkdirSync(stage);
    run('tar', ['-xzf', path.join(work, tarball), '-C', stage, '--strip-components=1'], work);
    fs.copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(stage, 'package-lock.json'));
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], stage);
    fs.rmSync(path.join(stage, 'package-lock.json'));
    fs.writeFileSync(path.join(stage, 'manifest.json'), `${JSON.stringify(bundleManifest(pkg), null, 2)}\n`);
    // Type declarations and docs inside dependencies are never loaded.
    fs.writeFileSync(path.join(stage, '.mcpbignore'), 'node_modules/**/*.d.ts\nnode_modules/**/*.d.cts\nnode_modules/**/*.d.mts\nnode_modules/**/*.md\n');
    fs.mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, `${pkg.name}-${pkg.version}.mcpb`);
    if (!(await packExtension({ extensionPath: stage, outputPath: out, silent: true }))) throw new Error('mcpb pack failed');
    return out;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const out = await buildBundle();
  console.log(`${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
