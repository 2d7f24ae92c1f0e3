/** The default branch of an exhaustive switch over an enum: a compile error if a member is unhandled. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
