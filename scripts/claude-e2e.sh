#!/usr/bin/env bash
# End to end with the real Claude Code CLI: installs it from npm into a temporary prefix, runs
# `tasklane init` in a scratch project (with a scratch HOME, so neither ~/.claude.json nor ~/.tasklane
# is touched), and checks that `claude mcp list` shows the tasklane server connected once the folder is
# trusted (the one question Claude Code asks when it first starts in a folder).
#   bash scripts/claude-e2e.sh            (CLAUDE_CODE_VERSION=x.y.z to pin a version; KEEP=1 keeps the folder)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tasklane-claude-e2e-XXXXXX")
cleanup() {
  HOME="$tmp/home" node "$repo/dist/src/cli.js" host stop >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

echo "== node $(node -v); building tasklane"
(cd "$repo" && npm run build --silent)

echo "== installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-latest} into $tmp/claude"
npm install --prefix "$tmp/claude" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-latest}"
claude="$tmp/claude/node_modules/.bin/claude"
echo "claude $("$claude" --version)"

mkdir -p "$tmp/home" "$tmp/project"
export HOME="$tmp/home"
cd "$tmp/project"
git init -q .

echo "== tasklane init"
node "$repo/dist/src/cli.js" init
# The first start creates the embedded database (several seconds): made now, not under claude's timeout.
node "$repo/dist/src/cli.js" migrate >/dev/null

list() {
  local started out
  started=$(date +%s)
  out=$("$claude" mcp list 2>&1) || true
  echo "$out" | grep -v '^$' >&2
  echo "  ($(($(date +%s) - started)) s)" >&2
  echo "$out"
}

# Claude Code counts .claude/settings.local.json (where init approves the server, as Claude Code records a
# user's own approval) only in a folder the user has trusted: until then the server waits for approval.
echo "== claude mcp list, before this folder is trusted"
if ! list | grep -Eq '^tasklane: .*Pending approval'; then
  echo "FAIL: expected tasklane pending until the folder is trusted" >&2
  exit 1
fi

# What answering "yes" to Claude Code's "Do you trust the files in this folder?" records (scratch HOME only).
node -e '
  const fs = require("fs"), file = process.env.HOME + "/.claude.json";
  const config = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  config.projects = { ...config.projects, [process.cwd()]: { ...config.projects?.[process.cwd()], hasTrustDialogAccepted: true } };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));'

echo "== claude mcp list, once the folder is trusted"
if list | grep -Eq '^tasklane: .*(✓|✔) Connected'; then
  echo "PASS: tasklane is registered at project scope, approved by tasklane init, and connected"
else
  echo "FAIL: tasklane is not shown connected" >&2
  exit 1
fi
