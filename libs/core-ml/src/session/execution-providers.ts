/**
 * Which ONNX Runtime execution providers a session gets: the caller's preference list intersected
 * with what this install can actually load, `cpu` always last as the fallback (STYLE R14, R17).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { listSupportedBackends } from 'onnxruntime-node';

/** An ORT execution provider name as the node binding spells it: `cpu`, `cuda`, `tensorrt`, `webgpu`, ... */
export type ExecutionProviderName = string;

export interface ProviderResolution {
  /** What the session is created with, in preference order; always contains `cpu`. */
  selected: ExecutionProviderName[];
  /** Preferred providers this install cannot load (worth a log line: "cuda requested, not installed"). */
  unavailable: ExecutionProviderName[];
}

/**
 * The preference order is kept because ORT assigns each graph node to the first provider that
 * claims it; `cpu` is appended when missing so every node has a home.
 */
export function resolveExecutionProviders(
  preference: readonly ExecutionProviderName[],
  available: readonly ExecutionProviderName[],
): ProviderResolution {
  const selected: ExecutionProviderName[] = [];
  const unavailable: ExecutionProviderName[] = [];
  for (const name of preference) {
    if (selected.includes(name) || unavailable.includes(name)) continue;
    (available.includes(name) ? selected : unavailable).push(name);
  }
  if (!selected.includes('cpu')) selected.push('cpu');
  return { selected, unavailable };
}

/** The port: which execution providers can be loaded in this process. */
export interface ExecutionProviderProbe {
  available(): readonly ExecutionProviderName[];
}

export interface OrtBackendListing {
  name: string;
  /** Shipped inside the npm package; when false the provider library comes from the install script. */
  bundled: boolean;
}

export interface OrtProbeDeps {
  listSupportedBackends(): readonly OrtBackendListing[];
  fileExists(file: string): boolean;
  /** Folder holding `onnxruntime_binding.node` and the provider libraries. */
  binaryDir: string;
  platform: NodeJS.Platform;
}

/**
 * ORT's `listSupportedBackends()` (exported by onnxruntime-node 1.30) says which providers were
 * compiled in, not which can load. On linux/x64 `cuda` and `tensorrt` are listed with
 * `bundled: false`: their libraries are fetched from NuGet by the package's install script, which
 * this repository denies (it needs the internet, see the README). Creating a session with such a
 * provider then fails outright ("Failed to load shared library") instead of falling back, so an
 * unbundled provider counts only when its library and ORT's shared provider bridge are on disk.
 *
 * Compiled in and present still does not mean a device exists: `webgpu` is bundled yet fails at
 * session creation without an adapter. That failure surfaces as a ModelLoadError naming the providers.
 */
export class OrtExecutionProviderProbe implements ExecutionProviderProbe {
  #available: ExecutionProviderName[] | undefined;

  constructor(private readonly deps: OrtProbeDeps = defaultProbeDeps()) {}

  /** Computed once: the listing and the files do not change while the process runs. */
  available(): readonly ExecutionProviderName[] {
    this.#available ??= this.deps
      .listSupportedBackends()
      .filter((backend) => backend.bundled || this.#librariesPresent(backend.name))
      .map((backend) => backend.name);
    return this.#available;
  }

  /** The files an unbundled provider needs, e.g. `libonnxruntime_providers_cuda.so`. */
  providerLibraries(name: ExecutionProviderName): string[] {
    const file = (provider: string): string => {
      switch (this.deps.platform) {
        case 'win32':
          return `onnxruntime_providers_${provider}.dll`;
        case 'darwin':
          return `libonnxruntime_providers_${provider}.dylib`;
        default:
          return `libonnxruntime_providers_${provider}.so`;
      }
    };
    return [file(name), file('shared')].map((f) => path.join(this.deps.binaryDir, f));
  }

  #librariesPresent(name: ExecutionProviderName): boolean {
    return this.providerLibraries(name).every((file) => this.deps.fileExists(file));
  }
}

function defaultProbeDeps(): OrtProbeDeps {
  // onnxruntime-node resolves to <pkg>/dist/index.js; its binaries sit in <pkg>/bin/napi-v6/<platform>/<arch>.
  const packageRoot = path.resolve(path.dirname(require.resolve('onnxruntime-node')), '..');
  return {
    listSupportedBackends,
    fileExists: (file) => fs.existsSync(file),
    binaryDir: path.join(packageRoot, 'bin', 'napi-v6', process.platform, process.arch),
    platform: process.platform,
  };
}

let defaultProbe: OrtExecutionProviderProbe | undefined;

/** The process-wide probe over the installed onnxruntime-node. */
export function ortExecutionProviderProbe(): OrtExecutionProviderProbe {
  defaultProbe ??= new OrtExecutionProviderProbe();
  return defaultProbe;
}
