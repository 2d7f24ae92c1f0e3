/**
 * The body of one inference worker thread: ORT sessions keyed by the pool's model handle, each run
 * answered with its outputs' buffers transferred back. ORT's run is synchronous on this thread, which
 * is the point: it blocks this thread's loop, not the service's.
 *
 * Started by spawnInferenceWorker, never imported by the pool itself.
 */
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

import { Tensor } from 'onnxruntime-node';

import { ModelLoadError } from '../errors';
import { OnnxModelSession } from '../session/onnx-model-session';
import {
  type LoadedModel,
  transferableBuffers,
  toWire,
  type WireError,
  type WireTensors,
  type WorkerReply,
  type WorkerRequest,
} from './protocol';

if (parentPort === null) throw new Error('inference-worker: must run in a worker thread (see spawnInferenceWorker)');
const port = parentPort;

const sessions = new Map<number, OnnxModelSession>();
/** This thread's id in the OS: Linux names it in /proc/thread-self (`<pid>/task/<tid>`). */
const osThreadId = process.platform === 'linux' ? Number(readlinkSync('/proc/thread-self').split('/').pop()) : undefined;

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (reply) => port.postMessage(reply, reply.kind === 'result' ? transferableBuffers(reply.outputs) : []),
    (error: unknown) => port.postMessage({ kind: 'failed', id: request.id, error: toWireError(error) } satisfies WorkerReply),
  );
});

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  switch (request.kind) {
    case 'load': {
      const session = await OnnxModelSession.load(request.source, request.options);
      sessions.set(request.handle, session);
      return { kind: 'loaded', id: request.id, model: describe(session), osThreadId };
    }
    case 'run': {
      const session = sessions.get(request.handle);
      if (session === undefined) throw new Error(`no session for model handle ${request.handle} in this worker`);
      const outputs = await session.run(fromWire(request.feeds));
      return { kind: 'result', id: request.id, outputs: toWire(outputs) };
    }
    case 'release': {
      await sessions.get(request.handle)?.release();
      sessions.delete(request.handle);
      return { kind: 'done', id: request.id };
    }
    case 'close': {
      await Promise.all([...sessions.values()].map((session) => session.release()));
      sessions.clear();
      return { kind: 'done', id: request.id };
    }
  }
}

function describe(session: OnnxModelSession): LoadedModel {
  return {
    inputs: [...session.inputs],
    outputs: [...session.outputs],
    executionProviders: [...session.executionProviders],
    unavailableProviders: [...session.unavailableProviders],
    threads: { ...session.threads },
  };
}

function fromWire(feeds: WireTensors): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, { type, data, dims }] of Object.entries(feeds)) tensors[name] = new Tensor(type, data, dims);
  return tensors;
}

function toWireError(error: unknown): WireError {
  if (error instanceof ModelLoadError) {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return { kind: 'load-failed', executionProviders: [...error.executionProviders], reason: cause };
  }
  return { kind: 'run-failed', reason: error instanceof Error ? error.message : String(error) };
}
