// Builds the playground (web/) into web/dist: a folder of static files any static host
// can serve, `ordo serve` among them. The page runs Ordo's own pipeline (src/) in a Web
// Worker. The few Node built-ins the pipeline imports are replaced here by the page's
// stand-ins (web/src/host): an in-memory file system holding models/ as text embedded at
// build time, posix paths, the two digests, and clocks. The pipeline itself is not forked.

import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');
const host = (name: string) => resolve(webDir, 'src', 'host', name);

/** Node built-ins the pipeline imports, and the page's stand-in for each. */
const NODE_BUILTINS: Record<string, string> = {
  'node:fs': host('fs.ts'),
  'node:path': 'pathe',
  'node:url': host('url.ts'),
  'node:crypto': host('crypto.ts'),
  'node:process': host('process.ts'),
  'node:v8': host('v8.ts'),
  'node:worker_threads': host('worker-threads.ts'),
  'node:os': host('os.ts'),
};

/**
 * A pipeline module finds Ordo's files from its own location (`import.meta.url`, see
 * src/arch/paths.ts): write it as the module's place in the page's file system, laid out
 * as the built package is (/ordo/dist/src/...), so those lookups land on the embedded models.
 */
function pipelineModuleUrls(): Plugin {
  const srcDir = resolve(repoRoot, 'src') + '/';
  return {
    name: 'ordo-pipeline-module-urls',
    transform(code, id) {
      if (!id.startsWith(srcDir) || !code.includes('import.meta.url')) return null;
      const path = `/ordo/dist/src/${relative(srcDir, id).replace(/\.ts$/, '.js')}`;
      return {
        code: code.replaceAll('import.meta.url', JSON.stringify(`file://${path}`)),
        map: null,
      };
    },
  };
}

export default defineConfig({
  root: webDir,
  base: './',
  resolve: { alias: NODE_BUILTINS },
  plugins: [pipelineModuleUrls()],
  worker: { format: 'es', plugins: () => [pipelineModuleUrls()] },
  build: {
    outDir: resolve(webDir, 'dist'),
    emptyOutDir: true,
    // Graphviz in WebAssembly is one large module, loaded only when a graph is drawn.
    chunkSizeWarningLimit: 2048,
  },
});
