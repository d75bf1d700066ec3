import { describe, expect, it } from 'vitest';
import { LineSplitter, messageId, type RawId } from '../src/transports/line-framing.js';

function split(max: number, ...chunks: string[]) {
  const lines: string[] = [];
  const oversize: Array<[RawId, number]> = [];
  const s = new LineSplitter(max, (l) => lines.push(l.toString()), (id, bytes) => oversize.push([id, bytes]));
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { lines, oversize };
}

describe('line framing', () => {
  it('splits lines across chunks, drops CR and empty lines, and keeps a last line without its newline', () => {
    expect(split(100, '{"a":', '1}\r\n\n{"b":2}\n{"c"', ':3}').lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('drops a line over the limit without keeping it, reporting its top-level id wherever it stands', () => {
    const big = 'x'.repeat(500);
    const cases: Array<[string, RawId]> = [
      [`{"method":"tools/call","params":{"id":"inner","text":"${big}"},"jsonrpc":"2.0","id":42}`, '42'],
      [`{"jsonrpc":"2.0","id":"abc\\"d","method":"m","params":{"t":"${big}"}}`, '"abc\\"d"'],
      [`{"params":{"t":"\\"id\\":7 ${big}"},"method":"m"}`, null],
      [`{"params":[{"id":9}],"t":"${big}","id" : -3 }`, '-3'],
    ];
    for (const [line, id] of cases) {
      const r = split(100, line.slice(0, 250), line.slice(250) + '\n{"ok":1}\n');
      expect(r.oversize, line.slice(0, 40)).toEqual([[id, Buffer.byteLength(line)]]);
      expect(r.lines).toEqual(['{"ok":1}']);
    }
  });

  it('reads the id at either edge of a line, or by a parse', () => {
    expect(messageId(Buffer.from('{"method":"x","params":{"id":1},"jsonrpc":"2.0","id":5}'))).toBe('5');
    expect(messageId(Buffer.from('{"jsonrpc":"2.0","id":"a-1","method":"x"}'))).toBe('"a-1"');
    expect(messageId(Buffer.from('{"method":"x","id":7,"params":{}}'))).toBe('7');
    expect(messageId(Buffer.from('{"jsonrpc":"2.0","method":"notifications/initialized"}'))).toBeUndefined();
    expect(messageId(Buffer.from('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}'))).toBe(null);
  });
});
