// `node:url` for the page. Modules of the pipeline find Ordo's files from their own
// location (`fileURLToPath(import.meta.url)`); the build writes each module's
// `import.meta.url` as its path in the page's file system (web/vite.config.ts), so
// these are plain conversions.

export function fileURLToPath(url: string | URL): string {
  const href = typeof url === 'string' ? url : url.href;
  if (!href.startsWith('file://')) throw new TypeError(`not a file URL: ${href}`);
  return decodeURIComponent(href.slice('file://'.length));
}

export function pathToFileURL(path: string): URL {
  return new URL(`file://${encodeURI(path)}`);
}
