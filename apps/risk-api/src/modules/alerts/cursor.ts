/**
 * Opaque cursors for keyset pagination: the sort key of the last row a page showed, so the next
 * page starts right after it even while new rows arrive.
 */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, or undefined if it is not one this service made. */
export function decodeCursor(cursor: string, shape: ('string' | 'number')[]): (string | number)[] | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(key) || key.length !== shape.length) return undefined;
    return key.every((value, i) => typeof value === shape[i]) ? (key as (string | number)[]) : undefined;
  } catch {
    return undefined;
  }
}
