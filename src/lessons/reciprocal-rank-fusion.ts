export type Channel = 'lexical' | 'semantic';
export type MatchedBy = Channel | 'both';

/** Reciprocal rank fusion: score = Σ 1 / (k + rank) over the lists an item is in; best first. */
export function fuseByReciprocalRank<T extends { id: string; rank: number }>(
  lists: Partial<Record<Channel, T[]>>,
  k = 60,
): Array<{ item: T; score: number; matchedBy: MatchedBy }> {
  const fused = new Map<string, { item: T; score: number; channels: Set<Channel> }>();
  for (const [channel, items] of Object.entries(lists) as Array<[Channel, T[]]>) {
    for (const item of items) {
      const entry = fused.get(item.id) ?? { item, score: 0, channels: new Set<Channel>() };
      entry.score += 1 / (k + item.rank);
      entry.channels.add(channel);
      fused.set(item.id, entry);
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || Number(b.item.id) - Number(a.item.id))
    .map(({ item, score, channels }) => ({ item, score, matchedBy: channels.size > 1 ? 'both' : [...channels][0] }));
}
