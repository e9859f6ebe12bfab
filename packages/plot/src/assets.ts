import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files shipped by our dependencies, found through Node's resolution so they work in
 * the workspace and in an installed package alike. Read once, kept.
 */
const cache = new Map<string, string | Buffer>();

function packageFile(specifier: string, relative: string): string {
  return join(dirname(fileURLToPath(import.meta.resolve(specifier))), relative);
}

/** The minified Vega runtime (≈0.5 MB) inlined into HTML pages; vega-lite is compiled here, never shipped. */
export function vegaRuntime(): string {
  let js = cache.get('vega') as string | undefined;
  if (js === undefined) {
    // `</script` inside the library would end the inline <script>; none today, escaped anyway.
    js = readFileSync(packageFile('vega', 'vega.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
    cache.set('vega', js);
  }
  return js;
}

/** DejaVu Sans (from the dejavu-fonts-ttf package): PNGs render the same text on machines without system fonts. */
export function fontFile(): string {
  return packageFile('dejavu-fonts-ttf/package.json', 'ttf/DejaVuSans.ttf');
}

export const FONT_FAMILY = 'DejaVu Sans';
