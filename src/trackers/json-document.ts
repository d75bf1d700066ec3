import { type JSONPath, type Node, type ParseError, parseTree, printParseErrorCode, visit } from 'jsonc-parser';
import { jsonObjectLines } from './json-lines.js';

export type JsonDocument = {
  value: unknown;
  errors: Array<{ line: number; message: string }>;
  /** The 1-based line where the object at `path` starts (only objects at the depths asked for). */
  lineOf: (path: JSONPath) => number | undefined;
};

const OPTIONS = { allowTrailingComma: true, disallowComments: false };
const key = (path: JSONPath) => path.join('\u0000');

/**
 * Reads JSON or JSONC in time linear in the text. Valid JSON: `JSON.parse` for the value and one
 * char-code pass for the lines (jsonObjectLines). Otherwise (comments, trailing commas, errors):
 * jsonc-parser's `visit` for the syntax errors and the lines, and its `parse` for the value.
 */
export function readJsonDocument(text: string, depths: number[]): JsonDocument {
  try {
    const value: unknown = JSON.parse(text);
    const lines = jsonObjectLines(text, depths);
    return { value, errors: [], lineOf: (path) => lines.get(key(path)) };
  } catch {
    return readJsonc(text, depths);
  }
}

function readJsonc(text: string, depths: number[]): JsonDocument {
  const errors: JsonDocument['errors'] = [];
  const lines = new Map<string, number>();
  const wanted = new Set(depths);
  let depth = 0;
  visit(
    text,
    {
      onObjectBegin: (_offset, _length, startLine, _char, pathSupplier) => {
        if (wanted.has(depth)) lines.set(key(pathSupplier()), startLine + 1);
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
  return { value: root && valueOf(root), errors, lineOf: (path) => lines.get(key(path)) };
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
