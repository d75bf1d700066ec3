import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_tasks.js';
import * as m0002 from './0002_lessons.js';
import * as m0003 from './0003_task_heartbeat.js';
import * as m0004 from './0004_lessons_gin_direct.js';
import * as m0005 from './0005_shift_dependents.js';
import * as m0006 from './0006_scale.js';
import * as m0007 from './0007_credentials.js';
import * as m0008 from './0008_quiet_counts.js';
import * as m0009 from './0009_status_in_write_order.js';
import * as m0010 from './0010_self_counted_moves.js';
import * as m0011 from './0011_statement_references.js';
import * as m0012 from './0012_written_digest.js';

/** Every migration, in order. Numbered and append-only: never edit one that has landed. */
export const migrations: Record<string, Migration> = {
  '0001_tasks': m0001,
  '0002_lessons': m0002,
  '0003_task_heartbeat': m0003,
  '0004_lessons_gin_direct': m0004,
  '0005_shift_dependents': m0005,
  '0006_scale': m0006,
  '0007_credentials': m0007,
  '0008_quiet_counts': m0008,
  '0009_status_in_write_order': m0009,
  '0010_self_counted_moves': m0010,
  '0011_statement_references': m0011,
  '0012_written_digest': m0012,
};
