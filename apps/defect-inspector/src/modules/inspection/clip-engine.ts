import { Tensor, type WorkerModelSession } from '@vigil/core-ml';
import { backends, type ClipModel } from '@vigil/native-gpu';

/**
 * What runs the clip graph: ONNX Runtime on the CPU (in the inference worker pool), or the
 * platform's own kernels from the same ONNX file (libs/native-gpu: CUDA, or its CPU twin).
 */
export type ClipEngineName = 'onnxruntime' | 'native-cuda' | 'native-cpu';

/** INSPECTOR_ENGINE: `auto` serves on the GPU when there is one and with ONNX Runtime otherwise. */
export const CLIP_ENGINE_SETTINGS = ['auto', 'onnxruntime', 'native'] as const;
export type ClipEngineSetting = (typeof CLIP_ENGINE_SETTINGS)[number];

/** The engine a setting means on this machine (`native` is CUDA when present, else the CPU twin). */
export function chooseClipEngine(setting: ClipEngineSetting, available: readonly string[] = backends()): ClipEngineName {
  const cuda = available.includes('cuda');
  if (setting === 'onnxruntime') return 'onnxruntime';
  if (setting === 'native') return cuda ? 'native-cuda' : 'native-cpu';
  return cuda ? 'native-cuda' : 'onnxruntime';
}

export interface ClipScores {
  /** `[clips][classes]` class logits, OK first. */
  logits: Float32Array;
  /** `[clips][heatHeight][heatWidth]` defect share per cell. */
  heatmap: Float32Array;
}

/** One loaded clip graph: scores `count` clips, `[count][frames][height][width]` grey / 255. */
export interface ClipEngine {
  readonly name: ClipEngineName;
  score(clips: Float32Array, count: number, frames: number, height: number, width: number): Promise<ClipScores>;
  release(): Promise<void>;
}

/** ONNX Runtime in the worker pool: the CPU serving path and the reference. */
export function onnxClipEngine(session: WorkerModelSession): ClipEngine {
  return {
    name: 'onnxruntime',
    async score(clips, count, frames, height, width) {
      const out = await session.run({ clip: new Tensor('float32', clips, [count, 1, frames, height, width]) });
      return { logits: out.logits.data as Float32Array, heatmap: out.heatmap.data as Float32Array };
    },
    release: () => session.release(),
  };
}

/** The native clip model (weights in device memory on CUDA); runs off the JS thread. */
export function nativeClipEngine(model: ClipModel, name: 'native-cuda' | 'native-cpu'): ClipEngine {
  const backend = name === 'native-cuda' ? 'cuda' : 'cpu';
  return {
    name,
    async score(clips) {
      const { logits, heatmap } = await model.run(clips, { backend });
      return { logits, heatmap };
    },
    release: async () => model.release(),
  };
}
