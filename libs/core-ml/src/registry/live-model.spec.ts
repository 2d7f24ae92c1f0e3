import { linearModel } from '../../test/helpers/onnx-model-builder';
import { LiveModel, type LiveModelLog } from './live-model';
import type { LiveModelRef, LiveModels } from './model-registry';
import type { SlotModel } from './model-slot';

/** [3 inputs][2 outputs]. */
const W = [
  [1, 0],
  [0, 1],
  [0, 0],
];
const B = [0, 0];

/** A LiveModel whose version is one small graph loaded into its pool. */
class LinearLiveModel extends LiveModel<SlotModel> {
  constructor(log: LiveModelLog, workerStarted?: (osThreadId: number) => void) {
    const champion: LiveModelRef = { name: 'linear', version: 1, manifestSha256: 'sha-1', artifactDir: 'linear/1' };
    super('linear', async (): Promise<LiveModels> => ({ champion }), log, workerStarted);
  }

  protected async load(ref: LiveModelRef): Promise<SlotModel> {
    const session = await this.pool.load(linearModel(W, B), { name: `${ref.name}@${ref.version}` });
    return { version: ref.version, manifestSha256: ref.manifestSha256, release: () => session.release() };
  }
}

const fakeLog = (): jest.Mocked<LiveModelLog> => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });
const onLinux = process.platform === 'linux' ? describe : describe.skip;

onLinux(`${LiveModel.name} workerStarted`, () => {
  it("hands over the inference worker's OS thread id once it serves", async () => {
    const workerStarted = jest.fn();
    const sut = new LinearLiveModel(fakeLog(), workerStarted);

    await sut.onApplicationBootstrap();
    await sut.onApplicationShutdown();

    expect(workerStarted).toHaveBeenCalledTimes(1);
    expect(workerStarted.mock.calls[0][0]).toEqual(expect.any(Number));
    expect(workerStarted.mock.calls[0][0]).not.toBe(process.pid);
  });

  it('logs a hook that throws, and the model serves all the same', async () => {
    const log = fakeLog();
    const sut = new LinearLiveModel(log, () => {
      throw new Error('no such thread');
    });

    await sut.onApplicationBootstrap();
    const lease = sut.acquire();
    const served = lease.champion?.version;
    lease.release();
    await sut.onApplicationShutdown();

    expect(served).toBe(1);
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ err: new Error('no such thread'), worker: 0 }), 'inference worker thread setup failed; it serves as it is');
  });
});
