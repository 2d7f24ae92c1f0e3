/** The compile-time half of an exhaustive `switch`: a new enum member without a case fails the build. */
export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}
