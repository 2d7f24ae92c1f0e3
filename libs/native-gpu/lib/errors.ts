/** Errors raised by the addon, and the stack capture that makes native rejections point at JS callers. */

/** A failure inside the addon: a CUDA error, host memory exhaustion, or a missing build. */
export class NativeGpuError extends Error {
  /**
   * Stable identifier: a CUDA error name (`cudaErrorMemoryAllocation`, ...), `ERR_OUT_OF_HOST_MEMORY`,
   * `ERR_NATIVE_GPU_LOAD`, `ERR_NATIVE_GPU_CUDA_UNAVAILABLE`, or `ERR_NATIVE_GPU`.
   */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NativeGpuError';
    this.code = code;
  }
}

/** A caller's stack as Error.captureStackTrace left it: its text is only built when read. */
export interface CallSite {
  readonly stack?: string;
}

/**
 * The caller's stack, captured synchronously before calling into the addon: a rejection settles from
 * a libuv callback whose own stack says nothing about who asked (STYLE R12; sharp `lib/is.mjs`).
 * `below` is the public function, whose frame and everything above it are left out. Capturing is
 * cheap; formatting the text (~10 µs, every call) is left to nativeError, for calls that fail.
 */
export function captureCallSite(below: (...args: never[]) => unknown): CallSite {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, below);
  return holder;
}

/** Turns a native rejection into a NativeGpuError carrying its `code` and the captured call site. */
export function nativeError(error: unknown, callSite: CallSite): NativeGpuError {
  const message = error instanceof Error ? error.message : String(error);
  const rawCode = (error as { code?: unknown } | null)?.code;
  const result = new NativeGpuError(message, typeof rawCode === 'string' ? rawCode : 'ERR_NATIVE_GPU');
  const frames = (callSite.stack ?? '').split('\n').slice(1).join('\n');
  result.stack = `${result.name}: ${message}${frames ? `\n${frames}` : ''}`;
  return result;
}
