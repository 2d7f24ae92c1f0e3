/**
 * Feeds are checked against the model's declared inputs before ONNX Runtime sees them (STYLE R12:
 * validate in TypeScript). ORT's own messages name neither the model nor, for dtype errors, the
 * input, and a symbolic dimension shared by two inputs (`batch`) is only caught deep inside a kernel.
 */
import type { Tensor } from 'onnxruntime-node';

import { InvalidFeedError } from '../errors';

/** A dimension: a fixed size, or a symbolic name (`batch`); `''` is an unnamed dynamic dimension. */
export type Dim = number | string;

/** An input or output as the model declares it. */
export interface ValueInfo {
  readonly name: string;
  /** Element type; absent for non-tensor values (sequences, maps), which ORT's node binding does not describe. */
  readonly type?: Tensor.Type;
  /**
   * Declared dimensions. ORT reports both "shape unknown" and a scalar as `[]`, so an empty list is
   * not checked.
   */
  readonly dims?: readonly Dim[];
}

export type Feeds = Readonly<Record<string, Tensor>>;

/** Throws an InvalidFeedError naming the first offending input; returns normally when every feed fits. */
export function validateFeeds(model: string, inputs: readonly ValueInfo[], feeds: Feeds): void {
  if (typeof feeds !== 'object' || feeds === null) {
    throw new InvalidFeedError(model, '*', `expected an object of tensors keyed by input name, got ${describe(feeds)}`);
  }
  const names = inputs.map((input) => input.name);
  // Unknown names first: a misspelt input would otherwise be reported as the "missing" one.
  for (const name of Object.keys(feeds)) {
    if (!names.includes(name)) {
      throw new InvalidFeedError(model, name, `not an input of the model (inputs: ${names.join(', ')})`);
    }
  }

  const bound = new Map<string, { size: number; input: string }>();
  for (const input of inputs) {
    const feed: unknown = feeds[input.name];
    if (feed === undefined) throw new InvalidFeedError(model, input.name, 'missing');
    if (!isTensor(feed)) throw new InvalidFeedError(model, input.name, `expected a Tensor, got ${describe(feed)}`);
    if (input.type !== undefined && feed.type !== input.type) {
      throw new InvalidFeedError(model, input.name, `expected ${input.type}, got ${feed.type}`);
    }
    const declared = input.dims ?? [];
    if (declared.length === 0) continue;
    if (feed.dims.length !== declared.length) {
      throw new InvalidFeedError(
        model,
        input.name,
        `expected rank ${declared.length} ${formatDims(declared)}, got dims ${formatDims(feed.dims)}`,
      );
    }
    declared.forEach((dim, axis) => {
      const size = feed.dims[axis];
      if (typeof dim === 'number') {
        if (size !== dim) {
          throw new InvalidFeedError(
            model,
            input.name,
            `dim ${axis} is ${size}, expected ${dim} (model ${formatDims(declared)}, got ${formatDims(feed.dims)})`,
          );
        }
        return;
      }
      if (dim === '') return;
      const previous = bound.get(dim);
      if (previous === undefined) {
        bound.set(dim, { size, input: input.name });
      } else if (previous.size !== size) {
        throw new InvalidFeedError(
          model,
          input.name,
          `dim ${axis} ('${dim}') is ${size}, but input '${previous.input}' has '${dim}' = ${previous.size}`,
        );
      }
    });
  }
}

/** Duck-typed: `instanceof Tensor` fails when two copies of onnxruntime-common are installed. */
function isTensor(value: unknown): value is Tensor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Tensor>;
  return typeof candidate.type === 'string' && Array.isArray(candidate.dims) && 'data' in candidate;
}

function formatDims(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === '' ? '?' : String(d))).join(', ')}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}
