#!/usr/bin/env bash
# The A/B variants of PGlite's take-and-finish quoted in the README (bench/ab-sql.ts, one process, blocks
# of 200 cycles in turns), against this build's schema:
#   events_trigger  a statement trigger on task_events doing the references' counting join (what a
#                   statement-level check of events would cost the claim and the report)
#   before_trigger  a BEFORE UPDATE OF project_id, id row trigger on tasks that never fires
#   no_seqscan      enable_seqscan = off (index scans on the empty links table)
#   generic_plans   plan_cache_mode = force_generic_plan
# Usage: bash bench/ab-hot-path-variants.sh   (BLOCKS=n for more turns; run after npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
export SETUP='["create function ab_events_refer() returns trigger language plpgsql as $$ declare missing_n bigint; theirs_n bigint; begin select count(*) filter (where t.xmin is null), count(distinct t.ctid) filter (where t.xmin <> (txid_current() % 4294967296)::text::xid) into missing_n, theirs_n from new_rows n left join tasks t on t.project_id = n.project_id and t.id = n.task_id; return null; end $$","create function ab_never() returns trigger language plpgsql as $$ begin return new; end $$"]'
export VARIANTS='{"events_trigger":{"on":["create trigger ab_events after insert on task_events referencing new table as new_rows for each statement execute function ab_events_refer()"],"off":["drop trigger ab_events on task_events"]},"before_trigger":{"on":["create trigger ab_before before update of project_id, id on tasks for each row execute function ab_never()"],"off":["drop trigger ab_before on tasks"]},"no_seqscan":{"on":["set enable_seqscan = off","discard plans"],"off":["reset enable_seqscan","discard plans"]},"generic_plans":{"on":["set plan_cache_mode = force_generic_plan"],"off":["reset plan_cache_mode"]}}'
BLOCKS="${BLOCKS:-6}" npx tsx bench/ab-sql.ts
