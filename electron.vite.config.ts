import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three bundles for the desktop app (`npm start`, `npm run build`):
 *   out/main/index.js      app lifecycle; ESM (package.json "type": "module").
 *                          Runtime deps stay external: better-sqlite3 is a native
 *                          addon and ffmpeg-static/ffprobe-static are located
 *                          at run time by electron/core/media/locate.ts.
 *   out/preload/index.cjs  the sandboxed preload. A sandboxed preload is not
 *                          loaded by Node: it must be one CommonJS script whose
 *                          only require is 'electron', so every dependency is
 *                          bundled in and the format is forced to cjs.
 *   out/renderer/          the React UI from renderer/index.html.
 * The browser mode has its own config (vite.web.config.ts).
 */
const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: ['ffmpeg-static', 'ffprobe-static'] },
      rolldownOptions: {
        // The export worker is its own entry (out/main/exportWorker.js), started by the main process.
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          exportWorker: resolve(root, 'electron/core/export/textWorker.ts'),
          faceWorker: resolve(root, 'electron/core/signals/faceWorker.ts'),
          audioWorker: resolve(root, 'electron/core/media/audioWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
