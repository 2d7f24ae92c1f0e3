#!/usr/bin/env node
// build-addon.js: compiles build/Release/vigil_native_gpu.node with node-gyp, offline.
//
// `node-gyp configure` then `node-gyp build --jobs max`: configure is cheap and re-detects CUDA;
// make then recompiles only what changed, so a rebuild with no changes takes well under a second.
// Node's headers come from `nodedir` (npm config or NATIVE_GPU_NODEDIR), else from the running
// Node's own install (<prefix>/include/node), so node-gyp never tries to download them.
//
// Environment: NATIVE_GPU_CUDA=0 forces the CPU-only build; NATIVE_GPU_CUDA_ARCHS="90" builds one
// GPU architecture (faster); NATIVE_GPU_DEBUG=1 builds build/Debug instead.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.resolve(__dirname, '..');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [packageRoot] });

function nodedirArgs() {
  const configured = process.env.NATIVE_GPU_NODEDIR || process.env.npm_config_nodedir;
  if (configured) return [`--nodedir=${configured}`];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return [`--nodedir=${prefix}`];
  return []; // node-gyp falls back to its header cache (and would download if that is empty)
}

function run(args) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [nodeGyp, ...args, ...nodedirArgs(), '--loglevel=warn'], {
    cwd: packageRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`native-gpu: node-gyp ${args[0]} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  return Date.now() - started;
}

const debug = process.env.NATIVE_GPU_DEBUG === '1' ? ['--debug'] : [];
const cuda = spawnSync(process.execPath, [path.join(__dirname, 'detect-cuda.js')], { encoding: 'utf8' }).stdout;
console.log(`native-gpu: building ${debug.length ? 'Debug' : 'Release'} addon, CUDA ${cuda ? `from ${cuda}` : 'not found: CPU only'}`);
const ms = run(['configure', ...debug]) + run(['build', '--jobs', 'max', ...debug]);
console.log(`native-gpu: addon built in ${(ms / 1000).toFixed(1)} s`);
