import { spawn } from 'node:child_process';

/**
 * The protocol the libtorch trainers (seq-train, clip-train) speak on stdout: a progress line per
 * logging step and one final `done` line; failures exit non-zero with the reason as stderr's last line.
 */
const PROGRESS = /^epoch (\d+)\/(\d+) step (\d+)\/(\d+) loss (\S+) steps\/s (\S+)$/;
const DONE = /^done steps (\d+) seconds (\S+) steps\/s (\S+) loss (\S+)$/;

export interface EpochProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean loss of the epoch so far. */
  loss: number;
  stepsPerSecond: number;
}

/** Optimizer steps, their wall time (excluding loading and writing), and the last epoch's mean loss. */
export interface EpochTrainingDone {
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  finalLoss: number;
}

/** A trainer that ran but failed: its exit status (null when it could not start) and its last stderr line. */
export type TrainerErrorFactory = (message: string, exitCode: number | null) => Error;

export function runEpochTrainer(name: string, binary: string, args: string[], failure: TrainerErrorFactory, onProgress?: (progress: EpochProgress) => void): Promise<EpochTrainingDone> {
  return new Promise((settle, fail) => {
    // libgomp's default spin-waiting collapses training (about 20x slower) when other processes hold the cores.
    const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    let done: EpochTrainingDone | undefined;
    const line = (text: string): void => {
      const progress = PROGRESS.exec(text);
      if (progress && onProgress) {
        const [epoch, epochs, step, stepsPerEpoch, loss, stepsPerSecond] = progress.slice(1).map(Number);
        onProgress({ epoch, epochs, step, stepsPerEpoch, loss, stepsPerSecond });
      }
      const end = DONE.exec(text);
      if (end) done = { steps: Number(end[1]), seconds: Number(end[2]), stepsPerSecond: Number(end[3]), finalLoss: Number(end[4]) };
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      lines.forEach(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'ENOENT' || error.code === 'EACCES' ? failure(`${name} is not built at ${binary}: run \`make -C libs/core-ml/native\` from the repository root`, null) : error);
    });
    child.on('close', (code) => {
      const reason = stderr.trim().split('\n').pop() ?? '';
      if (code !== 0) fail(failure(`${name} exited with ${code}: ${reason || 'no message'}`, code));
      else if (!done) fail(failure(`${name} exited without its final "done" line`, code));
      else settle(done);
    });
  });
}

/** The bytes of a float32 array, without a copy (for the trainers' raw input files). */
export const float32Bytes = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** A raw little-endian float32 file's values (copied: file buffers need not be 4-byte aligned). */
export function float32sOf(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 4));
  return out;
}

/** `values` without its undefined entries, so spreading it over defaults keeps the defaults. */
export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
