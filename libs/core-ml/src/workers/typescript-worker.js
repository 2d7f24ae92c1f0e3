/**
 * Starts a worker thread's TypeScript entry from source: only used when the compiled `.js` beside it
 * does not exist, i.e. under ts-jest or ts-node. A worker thread is a fresh isolate that neither
 * jest's transform nor ts-node's hook reaches, so this plain-JS file (never compiled, never in dist)
 * registers a transpile-only `.ts` loader with the repository's `typescript` and requires the entry.
 * Transpile-only is enough: the specs that start workers are type-checked like every other file.
 */
'use strict';

const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};

require(workerData.typescriptEntry);
