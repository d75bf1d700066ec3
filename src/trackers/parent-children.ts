import type { TrackerBuilder } from './tracker-builder.js';

/**
 * A parent (an epic, a task with subtasks) is not done before its children: it depends on each child
 * in the file that is not cancelled. A parent missing from the file is reported, once a child.
 */
export function addChildren(out: TrackerBuilder, children: Map<string, string[]>): void {
  const byId = new Map(out.tasks.map((t) => [t.id, t]));
  for (const [parentId, kids] of children) {
    const parent = byId.get(parentId);
    if (!parent) {
      for (const kid of kids) if (byId.has(kid)) out.skipTask(kid, `${kid}: its parent ${parentId} is not in the file; the parent link was left out`);
      continue;
    }
    const open = kids.filter((k) => byId.has(k) && byId.get(k)!.status !== 'cancelled');
    parent.dependencies = [...new Set([...(parent.dependencies ?? []), ...open])];
  }
}
