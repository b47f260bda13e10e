import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SPLICE_WINDOW,
  parsePacketsCsv,
  parseShowinfoLine,
  predictFromPackets,
  spliceHead,
  type Packet,
} from '../../electron/core/media/frameIndex';

const pk = (pts: number | null, dts: number | null, flags = '__'): Packet => parsePacketsCsv(`${pts ?? 'N/A'},${dts ?? 'N/A'},${flags}\n`)[0]!;

describe('parsePacketsCsv', () => {
  it('reads pts, dts and flags as ffprobe prints them', () => {
    const packets = parsePacketsCsv(readFileSync(new URL('./fixtures/packets-small.csv', import.meta.url), 'utf8'));
    expect(packets).toEqual([
      { pts: 0, dts: -1024, key: true, discard: false, corrupt: false },
      { pts: 2048, dts: -512, key: false, discard: false, corrupt: false },
      { pts: 1024, dts: 0, key: false, discard: false, corrupt: false },
    ]);
  });
  it('handles N/A, discard and corrupt flags and CRLF', () => {
    expect(parsePacketsCsv('N/A,5,KD\r\n7,N/A,_C\r\n')).toEqual([
      { pts: null, dts: 5, key: true, discard: true, corrupt: false },
      { pts: 7, dts: null, key: false, discard: false, corrupt: true },
    ]);
  });
});

describe('parseShowinfoLine', () => {
  it('reads n, pts and the key flag', () => {
    const line =
      '[Parsed_showinfo_0 @ 0x55fe2ef047c0] n:  12 pts:  -6144 pts_time:-0.48 pos: 48 fmt:yuv420p sar:1/1 s:640x360 i:P iskey:1 type:I';
    expect(parseShowinfoLine(line)).toEqual({ n: 12, pts: -6144, key: true });
    expect(parseShowinfoLine(line.replace('iskey:1', 'iskey:0').replace('-6144', 'NOPTS'))).toEqual({ n: 12, pts: null, key: false });
  });
  it('ignores other log lines', () => {
    expect(parseShowinfoLine('[Parsed_showinfo_0 @ 0x1] config in time_base: 1/12800, frame_rate: 25/1')).toBeNull();
    expect(parseShowinfoLine('frame=    1 fps=0.0 q=-0.0 size=N/A')).toBeNull();
  });
});

describe('predictFromPackets', () => {
  it('orders B-frame packets by pts', () => {
    const p = predictFromPackets([pk(0, -2, 'K_'), pk(3, -1), pk(1, 0), pk(2, 1), pk(6, 2, 'K_'), pk(4, 3), pk(5, 4)], 'h264', 'progressive');
    expect(p.untrusted).toEqual([]);
    expect(p.frames.pts).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(p.frames.key).toEqual([true, false, false, false, false, false, true]);
  });
  it('drops packets before the first key packet and packets flagged discard', () => {
    const p = predictFromPackets([pk(10, 10), pk(11, 11), pk(20, 20, 'KD'), pk(21, 21, '_D'), pk(30, 30, 'K_'), pk(31, 31)], 'h264', null);
    expect(p.frames.pts).toEqual([30, 31]);
  });
  it('uses dts for intra-only streams without pts (AVI)', () => {
    const p = predictFromPackets([pk(null, 0, 'K_'), pk(null, 1, 'K_'), pk(null, 2, 'K_')], 'mjpeg', null);
    expect(p.untrusted).toEqual([]);
    expect(p.frames.pts).toEqual([0, 1, 2]);
  });
  it('distrusts what packets cannot prove', () => {
    expect(predictFromPackets([pk(0, 0, 'K_'), pk(1, 1)], 'mpeg4', null).untrusted.join()).toMatch(/codec mpeg4/);
    expect(predictFromPackets([pk(0, 0, 'K_'), pk(1, 1)], 'h264', 'tt').untrusted.join()).toMatch(/interlaced/);
    expect(predictFromPackets([pk(0, 0, 'K_'), pk(null, 1)], 'h264', null).untrusted.join()).toMatch(/without a timestamp/);
    expect(predictFromPackets([pk(0, 0, 'K_'), pk(0, 1)], 'h264', null).untrusted.join()).toMatch(/duplicate/);
    expect(predictFromPackets([pk(0, 0, 'K_'), pk(1, 1, '_C')], 'h264', null).untrusted.join()).toMatch(/corrupt/);
    expect(predictFromPackets([pk(0, 0), pk(1, 1)], 'h264', null).untrusted.join()).toMatch(/no key/);
  });
});

describe('spliceHead', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
  const list = (pts: number[]) => ({ pts, key: pts.map((p) => p % 10 === 0) });

  it('keeps the decoded head and continues with the prediction', () => {
    // Prediction includes two leading frames (pts 3, 4) that the decode never produced.
    const predicted = list([3, 4, ...range(10, 100)]);
    const head = list(range(10, 30));
    const out = spliceHead(predicted, head)!;
    expect(out.pts).toEqual(range(10, 100));
    expect(out.key).toEqual(range(10, 100).map((p) => p % 10 === 0));
  });
  it('keeps extra frames the decoder produced that packets did not predict', () => {
    const predicted = list(range(10, 100));
    const head = list([5, ...range(10, 30)]);
    expect(spliceHead(predicted, head)!.pts).toEqual([5, ...range(10, 100)]);
  });
  it('refuses when the decoded tail is not found contiguously in the prediction', () => {
    const predicted = list(range(10, 100).filter((p) => p !== 25));
    expect(spliceHead(predicted, list(range(10, 30)))).toBeNull();
    expect(spliceHead(list(range(10, 100)), list(range(200, 200 + SPLICE_WINDOW)))).toBeNull();
    expect(spliceHead(list(range(10, 100)), list(range(10, 10 + SPLICE_WINDOW - 1)))).toBeNull();
  });
  it('refuses a head whose timestamps go backwards', () => {
    const head = list([50, ...range(10, 30)]);
    expect(spliceHead(list(range(10, 100)), head)).toBeNull();
  });
});
