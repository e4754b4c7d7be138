// Execution graphs as SVG: the pipeline's DOT (src/report/dot.ts) drawn by Graphviz in
// WebAssembly (@viz-js/viz), loaded on the first graph only.

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

let viz: Promise<Viz> | null = null;

export async function dotToSvgElement(dot: string): Promise<SVGSVGElement> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return (await viz).renderSVGElement(dot);
}
