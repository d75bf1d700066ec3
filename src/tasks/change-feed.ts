import { NOTICE_MAX_IDS } from '../db/notify.js';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

/** What changed: the project, the tasks (empty when too many to list: re-read the board) and why. */
export type TaskChange = { project: string; task_ids: string[]; kind: string };

export type ChangeListener = (change: TaskChange) => void;
/** Starts receiving changes committed by other processes; resolves to a stop function. */
export type RemoteChangeSource = (onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

/** Beyond this many ids a change is sent as "many" (pg_notify payloads are capped at 8,000 bytes). */

/**
 * The in-process stream of committed task changes. On Postgres, TaskBoard also sends each change
 * with pg_notify, and a remote source re-publishes changes from other replicas (its own are skipped
 * by origin). The remote listener starts with the first subscriber, so plain stdio servers hold no
 * extra connection.
 */
export class ChangeFeed {
  readonly origin = randomUUID();
  private readonly emitter = new EventEmitter();
  private remote?: RemoteChangeSource;
  private stopRemote?: Promise<(() => Promise<void>) | undefined>;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  setRemoteSource(source: RemoteChangeSource) {
    this.remote = source;
  }

  subscribe(listener: ChangeListener): () => void {
    this.emitter.on('change', listener);
    if (this.remote && !this.stopRemote) {
      this.stopRemote = this.remote((payload) => this.receive(payload)).catch(() => undefined);
    }
    return () => this.emitter.off('change', listener);
  }

  /** Resolves once the remote listener (if any) listens: changes committed after that arrive. */
  async listening(): Promise<void> {
    await this.stopRemote;
  }

  publish(change: TaskChange) {
    this.emitter.emit('change', change);
  }

  /** The payload to send to other replicas for this change. */
  payloadOf(change: TaskChange): string {
    const task_ids = change.task_ids.length > NOTICE_MAX_IDS ? [] : change.task_ids;
    return JSON.stringify({ origin: this.origin, project: change.project, task_ids, kind: change.kind });
  }

  receive(payload: string) {
    try {
      const { origin, project, task_ids, kind } = JSON.parse(payload) as TaskChange & { origin: string };
      if (origin === this.origin || typeof project !== 'string') return;
      this.publish({ project, task_ids: Array.isArray(task_ids) ? task_ids : [], kind: String(kind) });
    } catch {
      // a payload that is not ours: ignore it
    }
  }

  async close() {
    const stop = await this.stopRemote;
    this.stopRemote = undefined;
    this.emitter.removeAllListeners();
    await stop?.();
  }
}
