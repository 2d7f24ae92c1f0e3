/**
 * Where something sits in an expression's source. `offset` is 0-based; `line` and `column` are 1-based;
 * offsets, columns and lengths count UTF-16 code units, as editors (Monaco, CodeMirror) do.
 */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/** Turns offsets into line/column in O(log lines); built once per source. */
export class LineMap {
  private readonly lineStarts: number[] = [0];

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      // \r\n is one break; a lone \r is one too.
      if (c === 0x0a || (c === 0x0d && source.charCodeAt(i + 1) !== 0x0a)) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number, length: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - this.lineStarts[lo] + 1, length };
  }
}

/** The span from the start of `first` to the end of `last`. */
export function spanOf(lines: LineMap, first: SourcePosition, last: SourcePosition): SourcePosition {
  return lines.position(first.offset, last.offset + last.length - first.offset);
}
