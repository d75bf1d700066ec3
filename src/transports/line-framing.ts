// Newline-delimited JSON-RPC framing, shared by every stdio and socket endpoint (the direct stdio server,
// the board host's sessions and the relay). Dependency-free: the relay loads it and little else.

/** An id as it appears in the message text (`7`, `"abc"`), or null when the message has none or it is unknown. */
export type RawId = string | null;

/**
 * Splits a byte stream into lines of at most `maxBytes`. A longer line is never buffered whole: its bytes
 * are scanned for the top-level `"id"` only (so the sender's call can be answered) and then dropped.
 */
export class LineSplitter {
  #chunks: Buffer[] = [];
  #size = 0;
  #oversize: IdScanner | undefined;
  #oversizeBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: Buffer) => void,
    private readonly onOversize: (id: RawId, bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      if (this.#oversize) {
        this.#oversize.feed(piece);
        this.#oversizeBytes += piece.length;
      } else if (this.#size + piece.length > this.maxBytes) {
        this.#oversize = new IdScanner();
        for (const c of this.#chunks) this.#oversize.feed(c);
        this.#oversize.feed(piece);
        this.#oversizeBytes = this.#size + piece.length;
        this.#chunks = [];
        this.#size = 0;
      } else if (piece.length) {
        this.#chunks.push(piece);
        this.#size += piece.length;
      }
      if (nl === -1) return;
      this.#endLine();
      start = nl + 1;
    }
  }

  /** Drops a partial line (its sender died while writing it). */
  discard(): void {
    this.#chunks = [];
    this.#size = 0;
    this.#oversize = undefined;
    this.#oversizeBytes = 0;
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.#size || this.#oversize) this.#endLine();
  }

  #endLine(): void {
    if (this.#oversize) {
      const id = this.#oversize.id();
      const bytes = this.#oversizeBytes;
      this.#oversize = undefined;
      this.#oversizeBytes = 0;
      this.onOversize(id, bytes);
      return;
    }
    const line = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    const trimmed = line.length && line[line.length - 1] === 13 ? line.subarray(0, -1) : line;
    if (trimmed.length) this.onLine(trimmed);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Finds the value of the top-level "id" key in a JSON object streamed in pieces, without keeping the
 * object: only the keys and the id's own text at depth 1 are held.
 */
class IdScanner {
  #depth = 0;
  #inString = false;
  #escape = false;
  #key: number[] | undefined; // the key being read at depth 1
  #lastKey = '';
  #expectValue = false;
  #value: number[] | undefined;
  #found: RawId = null;

  feed(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) this.#byte(bytes[i]);
  }

  id(): RawId {
    if (this.#found === null && this.#value) this.#finishValue();
    return this.#found;
  }

  #byte(b: number): void {
    if (this.#value && !this.#inString && (b === 44 || b === 125 || b === 32 || b === 10 || b === 9 || b === 13)) this.#finishValue();
    if (this.#inString) {
      if (this.#value) this.#value.length < 200 ? this.#value.push(b) : (this.#value = undefined);
      else if (this.#key) {
        if (this.#key.length < 16) this.#key.push(b);
        else this.#key = undefined; // a long key is not "id"
      }
      if (this.#escape) this.#escape = false;
      else if (b === BACKSLASH) this.#escape = true;
      else if (b === QUOTE) {
        this.#inString = false;
        if (this.#key) {
          this.#lastKey = String.fromCharCode(...this.#key.slice(0, -1));
          this.#key = undefined;
        } else if (this.#value) this.#finishValue();
      }
      return;
    }
    if (b === QUOTE) {
      this.#inString = true;
      if (this.#depth === 1 && this.#expectValue && this.#lastKey === 'id') this.#value = [b];
      else if (this.#depth === 1 && !this.#expectValue) {
        this.#key = [];
        this.#lastKey = '';
      }
      this.#expectValue = false;
      return;
    }
    if (b === 123 || b === 91) {
      this.#depth++;
      this.#expectValue = false;
    } else if (b === 125 || b === 93) this.#depth--;
    else if (b === 58 && this.#depth === 1) this.#expectValue = true;
    else if (b === 44) this.#expectValue = false;
    else if (this.#depth === 1 && this.#expectValue && this.#lastKey === 'id' && b > 32) {
      this.#value = [b];
      this.#expectValue = false;
    } else if (this.#value && b > 32) this.#value.length < 200 ? this.#value.push(b) : (this.#value = undefined);
  }

  #finishValue(): void {
    const text = Buffer.from(this.#value ?? []).toString('utf8');
    this.#value = undefined;
    this.#lastKey = '';
    if (this.#found === null && /^(-?\d{1,16}|"(?:[^"\\]|\\.)*")$/.test(text)) this.#found = text;
  }
}

const HEAD_ID = /^\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/;
const TAIL_ID = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/;
const EDGE = 256;

/**
 * The id of a JSON-RPC message line, read from its edges where every SDK writes it (first after
 * "jsonrpc", or last); a JSON parse only when neither edge has it. Undefined: a notification.
 * `"id"` cannot appear inside a JSON string unescaped, and a key right before the object's closing
 * brace, or right after its opening one, is at the top level.
 */
export function messageId(line: Buffer): RawId | undefined {
  const head = HEAD_ID.exec(line.toString('utf8', 0, Math.min(line.length, EDGE)));
  if (head) return head[1];
  const tail = TAIL_ID.exec(line.toString('utf8', Math.max(0, line.length - EDGE)));
  if (tail) return tail[1];
  try {
    const message = JSON.parse(line.toString('utf8')) as { id?: unknown };
    if (typeof message.id === 'number' || typeof message.id === 'string') return JSON.stringify(message.id);
    return message.id === null ? null : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the line is an initialize request (checked on its first bytes, confirmed by a parse). */
export function isInitializeLine(line: Buffer): boolean {
  if (!/"method"\s*:\s*"initialize"/.test(line.toString('utf8', 0, Math.min(line.length, 4 * EDGE)))) return false;
  try {
    return (JSON.parse(line.toString('utf8')) as { method?: unknown }).method === 'initialize';
  } catch {
    return false;
  }
}

/**
 * A JSON-RPC error answer, written with the id's own text. `line`: the number of the line it answers
 * on its connection (1 = the first), for an answer whose id is null: a relay knows by it which call the
 * answer ends.
 */
export function errorLine(id: RawId, code: number, message: string, line?: number): string {
  const data = line === undefined ? '' : `,"data":{"line":${line}}`;
  return `{"jsonrpc":"2.0","id":${id ?? 'null'},"error":{"code":${code},"message":${JSON.stringify(message)}${data}}}\n`;
}

/** The line number an id-less error answer names (see errorLine), read with a parse: such answers are rare. */
export function answeredLine(line: Buffer): number | undefined {
  try {
    const n = (JSON.parse(line.toString('utf8')) as { error?: { data?: { line?: unknown } } }).error?.data?.line;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined;
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INTERNAL_ERROR = -32603;

export const tooLargeMessage = (bytes: number, max: number) =>
  `the message is ${bytes} bytes, over the limit of ${max} bytes (TASKLANE_MAX_MESSAGE_BYTES): nothing was done; ` +
  'send less in one call (split the task list or the tracker), or raise the limit';
