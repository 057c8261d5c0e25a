import { defineConfig } from 'vite';

// The dashboard is served by segment-admin at `/` and talks to the API on the same origin, so the
// dev server only forwards /v1 to a running segment-admin (ADMIN_URL, default port 4200).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': process.env.ADMIN_URL ?? 'http://127.0.0.1:4200' },
  },
});
