import { describe, expect, it } from 'vitest';
import { differenceImage, suggestOriginal } from '../../shared/links';

describe('suggestOriginal', () => {
  const videos = [
    { id: 1, path: '/ffpp/original/000.mp4' },
    { id: 2, path: '/ffpp/original/003.mp4' },
    { id: 3, path: '/ffpp/Deepfakes/000_003.mp4' },
    { id: 4, path: 'C:\\data\\FaceSwap\\003_000.mp4' },
    { id: 5, path: '/other/interview.mov' },
  ];
  it('finds the target of a FaceForensics++ <target>_<source> name', () => {
    expect(suggestOriginal(videos[2]!, videos)?.id).toBe(1);
    expect(suggestOriginal(videos[3]!, videos)?.id).toBe(2);
  });
  it('suggests nothing for other names, or when the original is not in the project', () => {
    expect(suggestOriginal(videos[4]!, videos)).toBeNull();
    expect(suggestOriginal(videos[0]!, videos)).toBeNull();
    expect(suggestOriginal({ id: 9, path: '/x/123_456.mp4' }, videos)).toBeNull();
  });
});

describe('differenceImage', () => {
  it('is black where the pictures agree and amplified where they differ, always opaque', () => {
    const a = new Uint8ClampedArray([10, 20, 30, 255, 100, 100, 100, 255]);
    const b = new Uint8ClampedArray([10, 20, 30, 0, 90, 110, 100, 255]);
    expect([...differenceImage(a, b, 4, new Uint8ClampedArray(8))]).toEqual([0, 0, 0, 255, 40, 40, 0, 255]);
    expect([...differenceImage(a, b, 100, new Uint8ClampedArray(8))].slice(4)).toEqual([255, 255, 0, 255]);
  });
});
