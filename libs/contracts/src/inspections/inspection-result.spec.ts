import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { InspectionResultMessage } from './inspection-result';

const DEFECT = {
  cameraId: 'CAM-01',
  lineId: 'LINE-1',
  seqStart: 144,
  seqEnd: 151,
  tsStart: 1_795_852_805_760_123,
  tsEnd: 1_795_852_806_040_456,
  verdict: 'DEFECT',
  defectClass: 'wobble',
  score: 0.9993,
  bbox: { x: 52, y: 31, w: 60, h: 58 },
  modelVersion: '1',
  latencyMs: 12.5,
  threshold: 0.5,
  modelName: 'inspector',
  missingFrames: 0,
  alignmentConfidence: 0.81,
  processedAt: '2026-11-22T08:00:06.100Z',
};

const errors = (value: object) => validateSync(plainToInstance(InspectionResultMessage, value)).map((e) => e.property);

describe(InspectionResultMessage.name, () => {
  it('accepts a DEFECT with its class and box, and an OK with neither', () => {
    expect(errors(DEFECT)).toEqual([]);
    expect(errors({ ...DEFECT, verdict: 'OK', defectClass: null, bbox: null })).toEqual([]);
  });

  it.each([
    [{ verdict: 'MAYBE' }, 'verdict'],
    [{ defectClass: null }, 'defectClass'],
    [{ score: 1.2 }, 'score'],
    [{ bbox: { x: 1, y: 2, w: 0, h: 3 } }, 'bbox'],
    [{ seqEnd: -1 }, 'seqEnd'],
    [{ modelVersion: 1 }, 'modelVersion'],
  ])('refuses %j', (change, property) => {
    expect(errors({ ...DEFECT, ...change })).toEqual([property]);
  });
});
