import { type JSONPath, type Node, type ParseError, parseTree, printParseErrorCode, visit } from 'jsonc-parser';
import { LIMITS } from '../tasks/input-rules.js';
import { addElementLine, type ElementLines, isEscaped, jsonObjectLines, pathKey } from './json-lines.js';

export type JsonDocument = {
  value: unknown;
  errors: Array<{ line: number; message: string }>;
  /** The 1-based lines where the object elements of the array at `path` start, by index (objects at the depths asked for). */
  elementLines: (path: JSONPath) => number[];
  /** Set when the brackets nest deeper than asked: the line where they do; the document was not read. */
  tooDeepLine?: number;
};

const OPTIONS = { allowTrailingComma: true, disallowComments: false };

/** Deeper than a task's metadata may go, with room for a tracker file's own levels. */
export const MAX_NESTING = LIMITS.metadataDepth + 8;
export const tooDeep = `JSON nested deeper than ${MAX_NESTING} levels; the file was not read (a task's extra fields may nest ${LIMITS.metadataDepth} levels)`;

/**
 * Reads JSON or JSONC in time linear in the text. Valid JSON: `JSON.parse` for the value and one
 * char-code pass for the lines (jsonObjectLines). Otherwise (comments, trailing commas, errors):
 * jsonc-parser's `visit` for the syntax errors and the lines, and its `parse` for the value, once
 * the nesting is known to be within maxNesting (jsonc-parser recurses once a level).
 */
export function readJsonDocument(text: string, depths: number[], maxNesting: number): JsonDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const deep = tooDeepAt(text, maxNesting);
    return deep >= 0 ? unread(lineAt(text, deep)) : readJsonc(text, depths);
  }
  const { lines, tooDeepAt: deep } = jsonObjectLines(text, depths, maxNesting);
  return deep >= 0 ? unread(lineAt(text, deep)) : { value, errors: [], elementLines: linesOf(lines) };
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const linesOf = (lines: ElementLines) => (path: JSONPath) => lines.get(pathKey(path)) ?? [];
const unread = (line: number): JsonDocument => ({ value: undefined, errors: [], elementLines: () => [], tooDeepLine: line });

/** Where the brackets first nest deeper than max (outside strings and comments), or -1. */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = text.indexOf('"', i + 1);
      while (i > 0 && isEscaped(text, i)) i = text.indexOf('"', i + 1);
      if (i < 0) return -1;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return -1;
}

function readJsonc(text: string, depths: number[]): JsonDocument {
  const errors: JsonDocument['errors'] = [];
  const lines: ElementLines = new Map();
  const wanted = new Set(depths);
  let depth = 0;
  visit(
    text,
    {
      onObjectBegin: (_offset, _length, startLine, _char, pathSupplier) => {
        const path = wanted.has(depth) ? pathSupplier() : [];
        const index = path.at(-1);
        if (typeof index === 'number') addElementLine(lines, pathKey(path.slice(0, -1)), index, startLine + 1);
        depth++;
      },
      onObjectEnd: () => void depth--,
      onArrayBegin: () => void depth++,
      onArrayEnd: () => void depth--,
      onError: (error, _offset, _length, startLine) => {
        if (errors.length < 20) errors.push({ line: startLine + 1, message: `JSON: ${printParseErrorCode(error)}; the text around it was not read` });
      },
    },
    OPTIONS,
  );
  const root = parseTree(text, [] as ParseError[], OPTIONS);
  return { value: root && valueOf(root), errors, elementLines: linesOf(lines) };
}

/** A node's value; objects built with fromEntries, so that a `__proto__` key stays a key (jsonc's parse would set the prototype). */
function valueOf(node: Node): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries((node.children ?? []).map((p) => [p.children?.[0]?.value as string, p.children?.[1] ? valueOf(p.children[1]) : undefined]));
    case 'array':
      return (node.children ?? []).map(valueOf);
    default:
      return node.value;
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
