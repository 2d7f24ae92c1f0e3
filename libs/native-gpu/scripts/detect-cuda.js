#!/usr/bin/env node
// detect-cuda.js: tells binding.gyp whether (and where) the CUDA toolkit is, so the addon compiles its
// CUDA sources only when nvcc is found (R14: the CPU build always exists).
//
//   node scripts/detect-cuda.js            -> CUDA home (e.g. /usr/local/cuda), or '' when not found
//   node scripts/detect-cuda.js --libdir   -> the folder holding libcudart_static.a, or ''
//   node scripts/detect-cuda.js --gencode  -> nvcc -gencode flags, one per line
//
// Environment:
//   NATIVE_GPU_CUDA=0|off       force the CPU-only build even when nvcc is present
//   NATIVE_GPU_CUDA_HOME        toolkit root (else CUDA_HOME, CUDA_PATH, nvcc on PATH, /usr/local/cuda)
//   NATIVE_GPU_CUDA_ARCHS       e.g. "90" or "80;90" (SASS for each; PTX for the highest is always added)
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const DEFAULT_ARCHS = ['75', '80', '86', '89', '90'];

function isToolkit(home) {
  return (
    Boolean(home) &&
    fs.existsSync(path.join(home, 'bin', 'nvcc')) &&
    fs.existsSync(path.join(home, 'include', 'cuda_runtime.h')) &&
    libDir(home) !== ''
  );
}

function libDir(home) {
  const candidates = ['lib64', 'lib', path.join('targets', 'x86_64-linux', 'lib'), path.join('targets', 'sbsa-linux', 'lib')];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(home, dir, 'libcudart_static.a'))) return path.join(home, dir);
  }
  return '';
}

// nvcc on PATH may be a wrapper script; a dry run prints the real toolkit root as `#$ TOP=...`.
function homeFromPath() {
  const args = ['-dryrun', '-x', 'cu', '-c', '/dev/null', '-o', '/dev/null'];
  const run = spawnSync('nvcc', args, { encoding: 'utf8', timeout: 10_000 });
  if (run.error) return ''; // ENOENT: no nvcc on PATH
  const match = /TOP=(\S+)/.exec(`${run.stdout}${run.stderr}`);
  return match ? path.resolve(match[1], '..') : '';
}

function cudaHome() {
  const flag = (process.env.NATIVE_GPU_CUDA ?? '').toLowerCase();
  if (flag === '0' || flag === 'off' || flag === 'false') return '';
  const candidates = [
    process.env.NATIVE_GPU_CUDA_HOME,
    process.env.CUDA_HOME,
    process.env.CUDA_PATH,
    homeFromPath(),
    '/usr/local/cuda',
  ];
  for (const home of candidates) {
    if (isToolkit(home)) return fs.realpathSync(home);
  }
  return '';
}

function gencode() {
  const archs = (process.env.NATIVE_GPU_CUDA_ARCHS ?? '')
    .split(/[;,\s]+/)
    .map((a) => a.replace(/^sm_/, ''))
    .filter(Boolean);
  const list = archs.length > 0 ? archs : DEFAULT_ARCHS;
  const flags = list.map((a) => `-gencode=arch=compute_${a},code=sm_${a}`);
  const highest = list.reduce((a, b) => (Number(b) > Number(a) ? b : a));
  flags.push(`-gencode=arch=compute_${highest},code=compute_${highest}`); // PTX: JIT on newer GPUs
  return flags;
}

const home = cudaHome();
const arg = process.argv[2];
if (arg === '--libdir') process.stdout.write(home ? libDir(home) : '');
else if (arg === '--gencode') process.stdout.write(home ? gencode().join('\n') : '');
else process.stdout.write(home);
