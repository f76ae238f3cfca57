// Vite build of the operator SPA: `vite build web` → web/dist, served by the API server.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Older office PCs: plain ES2019 output is enough for every feature used here.
    target: "es2019",
    sourcemap: false,
    // One bundle for the whole app (React, TanStack Query and the pages): ~450 kB, 127 kB gzipped.
    chunkSizeWarningLimit: 500,
  },
  server: {
    // `npx vite web` during development proxies the API to a locally running server.
    proxy: { "/api": "http://127.0.0.1:3000", "/admin": "http://127.0.0.1:3000" },
  },
});
