import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer built for the browser mode: the loopback web host serves
// out/web (electron/host/web.ts). The desktop build is electron.vite.config.ts.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../out/web', emptyOutDir: true, sourcemap: true },
});
