/**
 * Details as agents read them: the tracker's own details, then labelled sections for the fields
 * Tasklane has no column for (`Test strategy:`), so that a worker sees them with the task.
 */
export function joinDetails(body: string | undefined, sections: Array<[label: string, text: string | undefined]>): string | undefined {
  const parts = body ? [body] : [];
  for (const [label, text] of sections) if (text) parts.push(`${label}:\n${text}`);
  return parts.length ? parts.join('\n\n') : undefined;
}

/** The reverse of joinDetails: the body and each labelled section, peeled off from the end. */
export function splitDetails(details: string | undefined, labels: string[]): { body?: string; sections: Record<string, string> } {
  const sections: Record<string, string> = {};
  let rest = details ?? '';
  for (const label of [...labels].reverse()) {
    const head = `${label}:\n`;
    const inside = rest.lastIndexOf(`\n\n${head}`);
    const at = inside >= 0 ? inside : rest.startsWith(head) ? 0 : -1;
    if (at < 0) continue;
    sections[label] = rest.slice(inside >= 0 ? at + 2 + head.length : head.length);
    rest = rest.slice(0, at);
  }
  return { ...(rest ? { body: rest } : {}), sections };
}
