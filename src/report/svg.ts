// SVG from DOT with Graphviz compiled to WebAssembly (@viz-js/viz), so that no system
// graphviz is needed. The module (5 MB) is loaded and instantiated once, on first use,
// so commands that draw nothing do not pay for it.

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

let viz: Promise<Viz> | null = null;

export async function dotToSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success' || result.output === undefined)
    throw new Error(`graphviz failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
