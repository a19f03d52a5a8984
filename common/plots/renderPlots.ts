import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Vega-Lite -> Vega -> SVG, headless (no canvas: Vega estimates text widths), as the report is written. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega's and Vega-Lite's notices go to the console: a report command prints its own lines only
  const quiet = vega.logger(vega.None);
  const view = new vega.View(vega.parse(compile(spec, { logger: quiet }).spec), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const MARK = /<figure class="plot" data-spec="([A-Za-z0-9+/=]*)"><\/figure>/g;

/**
 * A place for a plot in an HTML page built as a string: the page's builders stay synchronous, and renderPlotsIn draws
 * every plot of the finished page at once.
 */
export function plot(spec: TopLevelSpec): string {
  return `<figure class="plot" data-spec="${Buffer.from(JSON.stringify(spec)).toString('base64')}"></figure>`;
}

/** The page with each plot place drawn as its SVG (the spec is not kept: the page stays small and has no script). */
export async function renderPlotsIn(html: string): Promise<string> {
  const specs = [...html.matchAll(MARK)].map((m) => JSON.parse(Buffer.from(m[1] ?? '', 'base64').toString('utf8')) as TopLevelSpec);
  const svgs = await Promise.all(specs.map(renderSvg));
  let i = 0;
  return html.replace(MARK, () => `<figure class="plot">${svgs[i++] ?? ''}</figure>`);
}
