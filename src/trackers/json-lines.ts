const MAX_DEPTH = 64;

/** The line where each object element of an array starts, by index, keyed by the array's path (pathKey). */
export type ElementLines = Map<string, number[]>;

/** Records that the object at `index` of the array at `arrayKey` starts at `line`. */
export function addElementLine(lines: ElementLines, arrayKey: string, index: number, line: number): void {
  let list = lines.get(arrayKey);
  if (!list) lines.set(arrayKey, (list = []));
  list[index] = line;
}

/** A path as a key of ElementLines: its segments joined with U+0000. */
export const pathKey = (path: ReadonlyArray<string | number>) => path.join('\u0000');

/**
 * The 1-based line where each object element of an array `depth` containers deep starts, in valid JSON, and the offset
 * where the containers first nest deeper than `maxNesting` (-1 if they never do). One pass of char
 * codes, strings skipped with indexOf; an array's path is built once, when it opens, and only for
 * arrays whose objects are wanted.
 */
export function jsonObjectLines(text: string, depths: number[], maxNesting = MAX_DEPTH): { lines: ElementLines; tooDeepAt: number } {
  const wanted = new Set(depths);
  const lines: ElementLines = new Map();
  const levels = Math.min(Math.max(0, ...depths) + 1, MAX_DEPTH);
  const isArray = new Uint8Array(levels);
  const index = new Uint32Array(levels);
  const keyStart = new Int32Array(levels);
  const keyEnd = new Int32Array(levels);
  /** The path key of the open array at each depth, when its objects are wanted. */
  const arrayKeys: Array<string | undefined> = [];
  let depth = 0;
  let line = 1;
  let stringStart = 0;
  let stringEnd = 0;
  const keyAt = (d: number) => {
    const key = text.slice(keyStart[d], keyEnd[d]);
    return key.includes('\\') ? (JSON.parse(`"${key}"`) as string) : key;
  };
  const path = () => {
    const parts: Array<string | number> = [];
    for (let d = 0; d < depth; d++) parts.push(isArray[d] ? index[d] : keyAt(d));
    return pathKey(parts);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let end = text.indexOf('"', i + 1);
      while (end > 0 && isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (end < 0) break;
      stringStart = i + 1;
      stringEnd = end;
      i = end;
    } else if (c === 10 /* \n */) line++;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (c === 123 && depth > 0 && wanted.has(depth) && isArray[depth - 1]) addElementLine(lines, arrayKeys[depth - 1]!, index[depth - 1], line);
      if (depth < levels) {
        isArray[depth] = c === 91 ? 1 : 0;
        index[depth] = 0;
        arrayKeys[depth] = c === 91 && wanted.has(depth + 1) ? path() : undefined;
      }
      if (++depth > maxNesting) return { lines, tooDeepAt: i };
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */) {
      if (depth > 0 && depth <= levels && isArray[depth - 1]) index[depth - 1]++;
    } else if (c === 58 /* : */ && depth > 0 && depth <= levels) {
      keyStart[depth - 1] = stringStart;
      keyEnd[depth - 1] = stringEnd;
    }
  }
  return { lines, tooDeepAt: -1 };
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it. */
export function isEscaped(text: string, at: number): boolean {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === 92) n++;
  return n % 2 === 1;
}
