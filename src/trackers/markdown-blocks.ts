import { Lexer, type Token, type Tokens } from 'marked';

export type Heading = { kind: 'heading'; depth: number; text: string; line: number };
export type Table = { kind: 'table'; header: string[]; rows: string[][]; line: number };
export type List = { kind: 'list'; token: Tokens.List; line: number };
export type Block = Heading | Table | List;

/** Text without BOM and with \n line ends: files arrive from Windows editors too. */
export const normalizeText = (text: string) => {
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return unmarked.includes('\r') ? unmarked.replace(/\r\n?/g, '\n') : unmarked;
};

/** The plain text of inline Markdown (code spans, emphasis and links lose their marks). */
export function plainText(tokens: Token[] | undefined, fallback = ''): string {
  if (!tokens) return fallback;
  return tokens
    .map((t) => ('tokens' in t && t.tokens ? plainText(t.tokens) : t.type === 'br' ? ' ' : 'text' in t ? String(t.text) : ''))
    .join('')
    .trim();
}

/**
 * The headings, tables and lists of a Markdown file, in order, each with its 1-based line. Only the
 * block level is lexed (the inline lexing of every cell would double the time); headings and table
 * headers, whose plain text is wanted, are lexed inline one by one.
 */
export function markdownBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let line = 1;
  for (const token of new Lexer().blockTokens(normalizeText(text), [])) {
    if (token.type === 'heading') {
      blocks.push({ kind: 'heading', depth: token.depth, text: inlineText(token.text), line });
    } else if (token.type === 'table') {
      const table = token as Tokens.Table;
      blocks.push({
        kind: 'table',
        header: table.header.map((c) => inlineText(c.text)),
        // Cells keep their inline Markdown (`code`, **bold**): it is part of what the team wrote.
        rows: table.rows.map((r) => r.map((c) => c.text.trim())),
        line,
      });
    } else if (token.type === 'list') {
      blocks.push({ kind: 'list', token: token as Tokens.List, line });
    }
    line += (token.raw.match(/\n/g) ?? []).length;
  }
  return blocks;
}

const inlineText = (text: string) => plainText(Lexer.lexInline(text), text);
