import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { EXPRESSION_LIMITS } from './limits';
import { LineMap, SourcePosition } from './source-position';

export type KeywordKind = 'and' | 'or' | 'not' | 'in' | 'true' | 'false';
export type OperatorKind = '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=';
export type PunctuationKind = '(' | ')' | '[' | ']' | ',';
export type TokenKind = 'number' | 'string' | 'identifier' | KeywordKind | OperatorKind | PunctuationKind | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The raw source text (empty for `end`). */
  readonly text: string;
  /** Decoded value of number and string literals. */
  readonly value?: number | string;
  readonly position: SourcePosition;
}

/** Keywords are matched case-insensitively (`AND` reads like SQL); names are case-sensitive. */
const KEYWORDS: ReadonlyMap<string, KeywordKind> = new Map<string, KeywordKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
  ['in', 'in'],
  ['true', 'true'],
  ['false', 'false'],
]);

const TWO_CHAR_OPERATORS: ReadonlyMap<string, OperatorKind> = new Map<string, OperatorKind>([
  ['<=', '<='],
  ['>=', '>='],
  ['==', '=='],
  ['!=', '!='],
]);

const SINGLE_CHARS: ReadonlyMap<string, OperatorKind | PunctuationKind> = new Map<string, OperatorKind | PunctuationKind>([
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
  ['<', '<'],
  ['>', '>'],
  ['(', '('],
  [')', ')'],
  ['[', '['],
  [']', ']'],
  [',', ','],
]);

/** Habits from other languages, answered with what to write instead. */
const HINTS: ReadonlyMap<string, string> = new Map([
  ['&&', "use 'and'"],
  ['||', "use 'or'"],
  ['=', "use '==' to compare"],
  ['!', "use 'not'"],
  ['&', "use 'and'"],
  ['|', "use 'or'"],
]);

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNameStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNamePart = (c: number): boolean => isNameStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Splits an expression into tokens. Only ASCII outside string literals: look-alike letters
 * (Cyrillic 'а'), invisible characters and odd spaces are refused where they stand, so what a
 * reviewer sees is what runs.
 */
export function tokenize(source: string, lines: LineMap = new LineMap(source)): Token[] {
  if (source.length > EXPRESSION_LIMITS.maxSourceLength) {
    throw new ExpressionError(
      ExpressionErrorCode.SourceTooLong,
      `the expression has ${source.length} characters; at most ${EXPRESSION_LIMITS.maxSourceLength} are allowed`,
      lines.position(EXPRESSION_LIMITS.maxSourceLength, source.length - EXPRESSION_LIMITS.maxSourceLength),
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  const at = (offset: number, length: number): SourcePosition => lines.position(offset, length);

  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      i = scanNumber(source, i, lines);
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number(text.replace(/_/g, '')), position: at(start, i - start) });
      continue;
    }
    if (isNameStart(c)) {
      i = scanName(source, i, lines);
      const text = source.slice(start, i);
      tokens.push({ kind: KEYWORDS.get(text.toLowerCase()) ?? 'identifier', text, position: at(start, i - start) });
      continue;
    }
    if (c === 0x27 || c === 0x22) {
      const { end, value } = scanString(source, i, lines);
      i = end;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, position: at(start, i - start) });
      continue;
    }
    const two = source.slice(i, i + 2);
    const twoKind = TWO_CHAR_OPERATORS.get(two);
    if (twoKind) {
      i += 2;
      tokens.push({ kind: twoKind, text: two, position: at(start, 2) });
      continue;
    }
    const oneKind = SINGLE_CHARS.get(source[i]);
    if (oneKind) {
      i++;
      tokens.push({ kind: oneKind, text: source[start], position: at(start, 1) });
      continue;
    }
    throw unexpectedCharacter(source, i, lines);
  }
  tokens.push({ kind: 'end', text: '', position: at(source.length, 0) });
  return tokens;
}

/** digits ('_' digits)* ('.' digits ('_' digits)*)? — no exponent, no leading '.', '_' only between digits. */
function scanNumber(source: string, start: number, lines: LineMap): number {
  let i = scanDigits(source, start, lines);
  if (source[i] === '.' && isDigit(source.charCodeAt(i + 1))) i = scanDigits(source, i + 1, lines);
  const next = source.charCodeAt(i);
  if (isNamePart(next) || source[i] === '.') {
    let end = i + 1;
    while (end < source.length && (isNamePart(source.charCodeAt(end)) || source[end] === '.')) end++;
    throw new ExpressionError(
      ExpressionErrorCode.InvalidNumber,
      `'${source.slice(start, end)}' is not a number (write digits, an optional '.' and more digits; '_' may separate digits)`,
      lines.position(start, end - start),
    );
  }
  const value = Number(source.slice(start, i).replace(/_/g, ''));
  if (!Number.isFinite(value)) {
    throw new ExpressionError(ExpressionErrorCode.InvalidNumber, `${source.slice(start, i)} is too large`, lines.position(start, i - start));
  }
  return i;
}

function scanDigits(source: string, start: number, lines: LineMap): number {
  let i = start;
  while (isDigit(source.charCodeAt(i)) || (source[i] === '_' && isDigit(source.charCodeAt(i - 1)))) i++;
  if (source[i - 1] === '_') {
    throw new ExpressionError(ExpressionErrorCode.InvalidNumber, "'_' must stand between two digits", lines.position(i - 1, 1));
  }
  return i;
}

/** name ('.' name)*, e.g. `tx.originator.country`; a dot must be followed by another name. */
function scanName(source: string, start: number, lines: LineMap): number {
  let i = start;
  for (;;) {
    while (isNamePart(source.charCodeAt(i))) i++;
    if (source[i] !== '.') return i;
    if (!isNameStart(source.charCodeAt(i + 1))) {
      // A look-alike letter after the dot is the real problem: name it.
      if (source.charCodeAt(i + 1) > 0x7e) throw unexpectedCharacter(source, i + 1, lines);
      throw new ExpressionError(
        ExpressionErrorCode.UnexpectedCharacter,
        `'${source.slice(start, i + 1)}' must go on with a name after the '.'`,
        lines.position(i, 1),
      );
    }
    i++;
  }
}

function scanString(source: string, start: number, lines: LineMap): { end: number; value: string } {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === quote) return { end: i + 1, value };
    if (ch === '\n' || ch === '\r') break;
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const escape = source[i + 1];
    const simple = escape === undefined ? undefined : ESCAPES.get(escape);
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      const length = escape === undefined ? 1 : escape === 'u' ? Math.min(6, source.length - i) : 2;
      throw new ExpressionError(
        ExpressionErrorCode.InvalidEscape,
        `unknown escape '${source.slice(i, i + length)}' (use \\\\, \\', \\", \\n, \\r, \\t or \\uXXXX)`,
        lines.position(i, length),
      );
    }
  }
  throw new ExpressionError(ExpressionErrorCode.UnterminatedString, `the text starting here has no closing ${quote}`, lines.position(start, i - start));
}

function unexpectedCharacter(source: string, i: number, lines: LineMap): ExpressionError {
  const two = source.slice(i, i + 2);
  const hint = HINTS.get(two) ?? HINTS.get(source[i]);
  if (hint) {
    const length = HINTS.has(two) ? 2 : 1;
    return new ExpressionError(ExpressionErrorCode.UnexpectedCharacter, `unexpected '${source.slice(i, i + length)}': ${hint}`, lines.position(i, length));
  }
  const codePoint = source.codePointAt(i) ?? 0;
  const length = codePoint > 0xffff ? 2 : 1;
  const code = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  // Printable ASCII is shown as itself; anything else only by its code point (it may be invisible).
  const shown = codePoint >= 0x21 && codePoint <= 0x7e ? `'${String.fromCodePoint(codePoint)}' (${code})` : code;
  return new ExpressionError(
    ExpressionErrorCode.UnexpectedCharacter,
    `unexpected character ${shown}; outside quotes only ASCII letters, digits, '_', '.', spaces and operators are allowed`,
    lines.position(i, length),
  );
}
