import { Frame } from '@vigil/contracts';

import { CameraStream, CameraStreamOptions, StreamResume, TrackedFrame } from './camera-stream';

const OPTIONS: CameraStreamOptions = { reorder: { size: 4, maxWaitMs: 50 }, clip: { length: 4, stride: 2 } };

/** A message of one camera: its seq, its offset in the partition, its Kafka timestamp. */
interface Sent {
  seq: number;
  offset: number;
  at: number;
}

function tracked({ seq, offset }: Sent): TrackedFrame {
  const frame: Frame = { cameraId: 'CAM-01', lineId: 'LINE-1', seq, ts: 1_000_000 + seq * 10_000, format: 'GRAY8', width: 16, height: 16, pixelFormat: 'GRAY8', pixels: new Uint8Array(256) };
  return { seq, frame, offset, gray: frame.pixels, receivedAt: 0 };
}

/** Clips (as "start-end") a stream cuts from `sent`, and the stream. */
function run(sent: Sent[], stream = new CameraStream('CAM-01', 0, OPTIONS), drain = false): { clips: string[]; stream: CameraStream } {
  const clips: string[] = [];
  for (const message of sent) {
    clips.push(...stream.push(tracked(message), message.at).clips.map((clip) => `${clip.seqStart}-${clip.seqEnd}`));
    clips.push(...stream.poll(message.at).clips.map((clip) => `${clip.seqStart}-${clip.seqEnd}`));
  }
  // The stream going on long after: whatever the window still holds is released.
  if (drain) clips.push(...stream.poll(sent[sent.length - 1].at + 1_000).clips.map((clip) => `${clip.seqStart}-${clip.seqEnd}`));
  return { clips, stream };
}

/** Where a stream rebuilt from `stream`'s cursor resumes. */
const resumeOf = (stream: CameraStream): StreamResume | undefined => (stream.resumeSeq === undefined ? undefined : { seq: stream.resumeSeq, givenUp: stream.givenUp() });

/** seqs in send order, one per 10 ms of log time. */
const sending = (seqs: number[]): Sent[] => seqs.map((seq, offset) => ({ seq, offset, at: offset * 10 }));

// 0..39 with a drop (17), a duplicate (8), a swap (22/23), a straggler (30 after 33) and a long pause.
const SEQS = [...Array.from({ length: 17 }, (_, i) => i), 8, 18, 19, 20, 21, 23, 22, 24, 25, 26, 27, 28, 29, 31, 32, 33, 30, 34, 35, 36, 37, 38, 39];

describe(CameraStream.name, () => {
  it('cuts clips on the stride grid, restarting after a gap', () => {
    const { clips, stream } = run(sending(SEQS));

    // The window holds 4 frames before its first release; 17 never comes, so 18 starts a new grid.
    expect(clips).toEqual(['0-3', '2-5', '4-7', '6-9', '8-11', '10-13', '12-15', '18-21', '20-23', '22-25', '24-27', '26-29', '28-31', '30-33', '32-35', '34-37', '36-39']);
    expect(stream.reorderCounts).toMatchObject({ gaps: 1, duplicates: 1 });
  });

  it('needs no offset below the frames a future clip or the window holds', () => {
    const sent = sending(SEQS);
    const starting = run(sent.slice(0, 3)).stream; // the window holds 0..2 until it first fills
    const running = run(sent.slice(0, 10)).stream; // 0..9 released, clips up to 6-9

    expect([starting.resumeSeq, starting.lowestOffset()]).toEqual([undefined, 0]);
    expect([running.resumeSeq, running.lowestOffset()]).toEqual([8, 8]);
  });

  it.each(Array.from({ length: SEQS.length - 1 }, (_, i) => i + 1))('cuts the same clips when rebuilt from its cursor after message %i', (cut) => {
    const sent = sending(SEQS);
    const whole = run(sent, undefined, true).clips;
    const before = run(sent.slice(0, cut));
    const resumeOffset = before.stream.lowestOffset() ?? cut;

    // A new stream, told where the next clip starts, replays the partition from the cursor.
    const after = run(sent.slice(resumeOffset), new CameraStream('CAM-01', 0, OPTIONS, resumeOf(before.stream)), true);

    expect(after.clips.filter((clip) => before.clips.includes(clip))).toEqual([]);
    expect([...before.clips, ...after.clips]).toEqual(whole);
  });

  // 10 given up (11..15 waited for it), then late; 8 again much later; 20 twice in a row.
  const FAULTS = [...Array.from({ length: 10 }, (_, i) => i), 11, 12, 13, 14, 15, 10, 16, 17, 18, 19, 20, 20, 21, 22, 8, 23, 24, 25];

  it.each(Array.from({ length: FAULTS.length - 1 }, (_, i) => i + 1))('counts late frames and duplicates as the live stream did when rebuilt after message %i', (cut) => {
    const sent = sending(FAULTS);
    const live = run(sent, undefined, true).stream.reorderCounts;
    const before = run(sent.slice(0, cut)).stream;
    const resumeOffset = before.lowestOffset() ?? cut;

    // The frames replayed below `cut` were counted before the restart (the cursor's countedTo): only those after it count again.
    const after = new CameraStream('CAM-01', 0, OPTIONS, resumeOf(before));
    const replayed = { ...run(sent.slice(resumeOffset, cut), after).stream.reorderCounts };
    const counts = run(sent.slice(cut), after, true).stream.reorderCounts;

    expect(live).toMatchObject({ gaps: 1, late: 1, duplicates: 2 });
    expect({ late: before.reorderCounts.late + counts.late - replayed.late, duplicates: before.reorderCounts.duplicates + counts.duplicates - replayed.duplicates }).toEqual({ late: live.late, duplicates: live.duplicates });
  });

  it('starts a new stream when the camera restarts at a low seq', () => {
    const restarted = [...Array.from({ length: 12 }, (_, i) => 100 + i), ...Array.from({ length: 12 }, (_, i) => i)];

    const { clips, stream } = run(sending(restarted));

    expect(stream.reorderCounts.resyncs).toBe(1);
    expect(clips.slice(0, 4)).toEqual(['100-103', '102-105', '104-107', '106-109']);
    expect(clips.filter((clip) => Number(clip.split('-')[1]) < 100)).toEqual(['3-6', '5-8', '7-10']); // 0..2 are lost as late: the window resyncs on the 4th
  });
});
