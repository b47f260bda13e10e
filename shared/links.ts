/**
 * Which video another was made from, guessed from file names as datasets
 * name them: FaceForensics++ names a manipulated video `<target>_<source>`
 * after the two originals (`<target>.mp4` is the one whose frames it
 * changed). Pure; the user confirms a guess before it is linked.
 */
export function suggestOriginal<V extends { id: number; path: string }>(video: V, videos: readonly V[]): V | null {
  const stem = (p: string) => (p.split(/[\\/]/).pop() ?? p).replace(/\.[^.]*$/, '');
  const m = /^(\d+)_\d+$/.exec(stem(video.path));
  if (!m) return null;
  return videos.find((v) => v.id !== video.id && stem(v.path) === m[1]) ?? null;
}

/**
 * A difference image: |a − b| per colour channel, times `gain`, opaque.
 * Both are RGBA of the same size. What two renderings of the same scene
 * share goes black; a blending seam or a changed region stays bright.
 */
export function differenceImage<T extends Uint8ClampedArray>(a: Uint8ClampedArray, b: Uint8ClampedArray, gain: number, out: T): T {
  for (let i = 0; i < a.length; i += 4) {
    out[i] = Math.abs(a[i]! - b[i]!) * gain;
    out[i + 1] = Math.abs(a[i + 1]! - b[i + 1]!) * gain;
    out[i + 2] = Math.abs(a[i + 2]! - b[i + 2]!) * gain;
    out[i + 3] = 255;
  }
  return out;
}
