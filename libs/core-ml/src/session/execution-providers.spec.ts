import * as path from 'node:path';

import { OrtExecutionProviderProbe, type OrtProbeDeps, ortExecutionProviderProbe, resolveExecutionProviders } from './execution-providers';

describe(resolveExecutionProviders.name, () => {
  it.each([
    [['cuda', 'cpu'], ['cpu', 'cuda'], ['cuda', 'cpu'], []],
    [['cuda', 'cpu'], ['cpu'], ['cpu'], ['cuda']],
    [['tensorrt', 'cuda'], ['cpu', 'cuda'], ['cuda', 'cpu'], ['tensorrt']],
    [[], ['cpu', 'cuda'], ['cpu'], []],
    [['cpu', 'cuda'], ['cpu', 'cuda'], ['cpu', 'cuda'], []],
    [['cuda', 'cuda', 'cpu', 'cpu'], ['cpu', 'cuda'], ['cuda', 'cpu'], []],
  ])('prefers %p given %p: %p, leaving out %p', (preference, available, selected, unavailable) => {
    // Act
    const resolution = resolveExecutionProviders(preference, available);

    // Assert
    expect(resolution).toEqual({ selected, unavailable });
  });
});

describe(OrtExecutionProviderProbe.name, () => {
  const binaryDir = '/ort/bin/napi-v6/linux/x64';
  const listing = [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ];

  function probe(files: string[]): OrtExecutionProviderProbe {
    const deps: OrtProbeDeps = {
      listSupportedBackends: () => listing,
      fileExists: (file) => files.includes(path.basename(file)) && path.dirname(file) === binaryDir,
      binaryDir,
      platform: 'linux',
    };
    return new OrtExecutionProviderProbe(deps);
  }

  it('counts bundled providers, and unbundled ones only when their libraries were installed', () => {
    // Prepare
    const sut = probe(['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']);

    // Act
    const available = sut.available();

    // Assert
    expect(available).toEqual(['cpu', 'webgpu', 'cuda']);
  });

  it('leaves out cuda when the install script did not fetch it', () => {
    // Prepare
    const sut = probe([]);

    // Act
    const available = sut.available();

    // Assert
    expect(available).toEqual(['cpu', 'webgpu']);
  });

  it('needs the shared provider bridge as well as the provider library', () => {
    // Prepare
    const sut = probe(['libonnxruntime_providers_cuda.so']);

    // Act
    const available = sut.available();

    // Assert
    expect(available).not.toContain('cuda');
  });

  it('finds cpu in the installed onnxruntime-node', () => {
    // Act
    const available = ortExecutionProviderProbe().available();

    // Assert
    expect(available).toContain('cpu');
  });
});
