# binding.gyp: one addon, build/Release/vigil_native_gpu.node.
#
# The CPU sources always compile. When scripts/detect-cuda.js finds a CUDA toolkit (nvcc, headers and
# libcudart_static.a), the CUDA sources compile too (the .cu rule below), NATIVE_GPU_WITH_CUDA is
# defined and cudart is linked statically, so the same .node loads on machines without the CUDA
# runtime installed (it reports backends() == ['cpu'] there). NATIVE_GPU_CUDA=0 forces the CPU build;
# NATIVE_GPU_CUDA_ARCHS="90" narrows the GPU architectures for faster local builds.
{
  'variables': {
    'vg_cuda_home%': '<!(node scripts/detect-cuda.js)',
    'vg_cuda_libdir%': '<!(node scripts/detect-cuda.js --libdir)',
  },
  'targets': [
    {
      'target_name': 'vigil_native_gpu',
      'dependencies': ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      'sources': [
        'src/addon.cc',
        'src/common.cc',
        'src/runtime.cc',
        'src/worker_scheduling.cc',
        'src/ops/window_agg/window_agg_cpu.cc',
        'src/ops/window_agg/window_agg_emulate.cc',
        'src/ops/window_agg/window_agg_worker.cc',
        'src/ops/align/align_cpu.cc',
        'src/ops/align/align_tables.cc',
        'src/ops/align/align_worker.cc',
        'src/ops/prepare/prepare_cpu.cc',
        'src/ops/prepare/prepare_emulate.cc',
        'src/ops/prepare/prepare_worker.cc',
        'src/ops/sequence_model/sequence_model_cpu.cc',
        'src/ops/sequence_model/sequence_model_emulate.cc',
        'src/ops/sequence_model/sequence_model_weights.cc',
        'src/ops/sequence_model/sequence_model_worker.cc',
        'src/ops/clip_model/clip_model_cpu.cc',
        'src/ops/clip_model/clip_model_layout.cc',
        'src/ops/clip_model/clip_model_worker.cc',
      ],
      'include_dirs': ['src'],
      'defines': ['NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
      'cflags_cc': ['-Wall', '-Wextra', '-Wno-unused-parameter'],
      'conditions': [
        ['vg_cuda_home!=""', {
          'defines': ['NATIVE_GPU_WITH_CUDA'],
          'include_dirs': ['<(vg_cuda_home)/include'],
          'sources': [
            'src/cuda/device_query.cc',
            'src/ops/window_agg/window_agg_cuda.cu',
            'src/ops/align/align_cuda.cu',
            'src/ops/prepare/prepare_cuda.cu',
            'src/ops/sequence_model/sequence_model_cuda.cu',
            'src/ops/clip_model/clip_model_cuda.cu',
          ],
          'libraries': ['-L<(vg_cuda_libdir)', '-lcudart_static', '-ldl', '-lrt', '-lpthread'],
          'rules': [
            {
              'rule_name': 'nvcc',
              'extension': 'cu',
              'message': 'NVCC <(RULE_INPUT_PATH)',
              # Headers the .cu files include: a change to any of them recompiles the kernels.
              'inputs': [
                'src/status.h',
                'src/cuda/check.h',
                'src/cuda/device_buffer.h',
                'src/cuda/stream.h',
                'src/device_math.h',
                'src/ops/window_agg/window_agg.h',
                'src/ops/window_agg/window_agg_device.h',
                'src/ops/align/align.h',
                'src/ops/align/align_device.h',
                'src/ops/prepare/prepare.h',
                'src/ops/prepare/prepare_device.h',
                'src/ops/sequence_model/sequence_model.h',
                'src/ops/sequence_model/sequence_model_device.h',
                'src/ops/clip_model/clip_model.h',
              ],
              'outputs': ['<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o'],
              'action': [
                '<(vg_cuda_home)/bin/nvcc', '-c', '<(RULE_INPUT_PATH)', '-o', '<@(_outputs)',
                '-std=c++17', '-O3', '-DNATIVE_GPU_WITH_CUDA', '-Isrc',
                '-Xcompiler', '-fPIC', '-Xcompiler', '-fvisibility=hidden',
                '-Xcompiler', '-Wall', '--Werror', 'all-warnings',
                '<!@(node scripts/detect-cuda.js --gencode)',
              ],
              'process_outputs_as_sources': 1,
            },
          ],
        }],
      ],
    },
  ],
}
