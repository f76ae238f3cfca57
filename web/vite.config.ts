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
    // The shell (React, TanStack Query, the catalogues): ~370 kB, 114 kB gzipped; each page
    // is a chunk of its own (App.tsx), fetched when opened or while the browser is idle.
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite web` during development proxies the API to a locally running server.
    proxy: { "/api": "http://127.0.0.1:3000", "/admin": "http://127.0.0.1:3000" },
  },
});
