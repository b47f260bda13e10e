import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TellframeError } from '../../../shared/errors';
import { eyeAspectRatio, mouthAspectRatio, type Pt } from '../../../shared/signals';

/**
 * The face-landmark model: @vladmandic/human's face detector, mesh and iris
 * models, shipped inside its npm package, run by TensorFlow.js on its WASM
 * backend (SIMD; single-threaded in Node, so one worker per core), with no
 * native add-on and nothing fetched: models and WASM are read from
 * node_modules. Per picture: the most confident face's tight box and its
 * eye and mouth aspect ratios.
 */

/** Bumped when the model, its settings or the measures change: kept signals of another version are made again. */
export const FACE_MODEL_VERSION = 'human-3.3.6/blazeface+facemesh+iris/2';

/** The detector's confidence a face needs. */
export const MIN_CONFIDENCE = 0.5;

/** MediaPipe mesh indices: p1…p6 of each eye (corners p1, p4), and the inner lips. */
export const RIGHT_EYE = [33, 160, 158, 133, 153, 144] as const;
export const LEFT_EYE = [362, 385, 387, 263, 373, 380] as const;
export const MOUTH = { left: 78, right: 308, upper: [81, 13, 311], lower: [178, 14, 402] } as const;
/** The iris centres (right, left) the iris model adds to the mesh. */
export const IRIS = [468, 473] as const;

/** The mesh points kept per frame (the ones the measures use, and the iris centres), with the names CSV columns give them. */
export const LANDMARKS: readonly { id: number; name: string }[] = [
  ...RIGHT_EYE.map((id, k) => ({ id, name: `r_eye_p${k + 1}` })),
  ...LEFT_EYE.map((id, k) => ({ id, name: `l_eye_p${k + 1}` })),
  { id: MOUTH.left, name: 'mouth_left' }, { id: MOUTH.right, name: 'mouth_right' },
  ...MOUTH.upper.map((id, k) => ({ id, name: `mouth_upper${k + 1}` })),
  ...MOUTH.lower.map((id, k) => ({ id, name: `mouth_lower${k + 1}` })),
  { id: IRIS[0], name: 'iris_right' }, { id: IRIS[1], name: 'iris_left' },
];

export interface FaceMeasure {
  /** Detector confidence 0–1. */
  score: number;
  /** The mesh's extent in the picture's pixels: x, y, width, height. */
  box: [number, number, number, number];
  /** Eye aspect ratio of the subject's right and left eye, mouth aspect ratio. */
  earRight: number;
  earLeft: number;
  mar: number;
  /** x, y of each of LANDMARKS in the picture's pixels (NaN for the iris centres without the iris model). */
  points: number[];
}

export interface FaceModel {
  /** The most confident face in an RGB picture (3 bytes a pixel), or null. */
  measure(rgb: Uint8Array, width: number, height: number): Promise<FaceMeasure | null>;
}

interface HumanResult { face: { score: number; mesh: number[][] }[] }
interface HumanLike {
  load(): Promise<void>;
  detect(input: unknown): Promise<HumanResult>;
  models: { loaded(): string[] };
}
interface TfLike {
  tensor(values: Float32Array, shape: number[], dtype: 'float32'): { dispose(): void };
  io: {
    registerLoadRouter(router: (url: unknown) => unknown): void;
    getModelArtifactsForJSON(json: unknown, load: (manifest: { paths: string[]; weights: unknown[] }[]) => Promise<[unknown[], ArrayBuffer]>): Promise<unknown>;
  };
}

let routerRegistered = false;

/** Load the model (about 65 ms), checking that its parts really loaded. */
export async function createFaceModel(): Promise<FaceModel> {
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core') as TfLike;
  require('@tensorflow/tfjs-backend-wasm');
  // The package's exports map has no subpaths and its main entry wants the native backend: its WASM build by file path.
  const humanDir = path.dirname(path.dirname(require.resolve('@vladmandic/human')));
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const { Human } = require(path.join(humanDir, 'dist/human.node-wasm.js')) as { Human: new (config: unknown) => HumanLike };
  if (!routerRegistered) {
    routerRegistered = true;
    // Models from files (tfjs reads file:// only with its native backend otherwise).
    tf.io.registerLoadRouter((url) => {
      if (typeof url !== 'string' || !url.startsWith('file://')) return null;
      const json = fileURLToPath(url);
      return {
        load: async () =>
          tf.io.getModelArtifactsForJSON(JSON.parse(readFileSync(json, 'utf8')), async (manifest) => {
            const bufs = manifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(path.dirname(json), p))));
            const b = Buffer.concat(bufs);
            return [manifest.flatMap((g) => g.weights), b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer];
          }),
      };
    });
  }
  const human = new Human({
    backend: 'wasm',
    wasmPath: wasmDir + path.sep,
    modelBasePath: 'file://' + path.join(humanDir, 'models') + '/',
    cacheModels: false, warmup: 'none', debug: false, async: false,
    // Every frame measured for itself: no reuse of an earlier frame's result.
    cacheSensitivity: 0, filter: { enabled: false },
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 1, skipFrames: 0, skipTime: 0, minConfidence: MIN_CONFIDENCE },
      mesh: { enabled: true }, iris: { enabled: true }, attention: { enabled: false },
      emotion: { enabled: false }, description: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false },
  });
  await human.load();
  const loaded = human.models.loaded();
  if (!['blazeface', 'facemesh'].every((m) => loaded.includes(m))) {
    throw new TellframeError('INTERNAL', `The face model did not load (loaded: ${loaded.join(', ') || 'nothing'}).`);
  }
  return {
    async measure(rgb, width, height) {
      const input = tf.tensor(Float32Array.from(rgb), [1, height, width, 3], 'float32');
      try {
        const res = await human.detect(input);
        const f = [...res.face].sort((a, b) => b.score - a.score)[0];
        if (!f || f.mesh.length < 468) return null;
        return measureMesh(f.mesh, f.score);
      } finally {
        input.dispose();
      }
    },
  };
}

/** The measures of one face mesh (478 points in pixels). */
export function measureMesh(mesh: readonly (readonly number[])[], score: number): FaceMeasure {
  const p = (i: number) => mesh[i] as unknown as Pt;
  const six = (ids: readonly number[]) => ids.map(p) as [Pt, Pt, Pt, Pt, Pt, Pt];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < 468; i++) {
    x0 = Math.min(x0, mesh[i]![0]!);
    y0 = Math.min(y0, mesh[i]![1]!);
    x1 = Math.max(x1, mesh[i]![0]!);
    y1 = Math.max(y1, mesh[i]![1]!);
  }
  return {
    score,
    box: [x0, y0, x1 - x0, y1 - y0],
    earRight: eyeAspectRatio(six(RIGHT_EYE)),
    earLeft: eyeAspectRatio(six(LEFT_EYE)),
    mar: mouthAspectRatio(p(MOUTH.left), p(MOUTH.right), MOUTH.upper.map(p) as [Pt, Pt, Pt], MOUTH.lower.map(p) as [Pt, Pt, Pt]),
    points: LANDMARKS.flatMap(({ id }) => (mesh[id] ? [mesh[id][0]!, mesh[id][1]!] : [NaN, NaN])),
  };
}
