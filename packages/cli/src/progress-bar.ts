import cliProgress from 'cli-progress';
import type { Progress } from '@metaseries/core';

/**
 * Progress for people: a bar on a TTY, a line every few seconds otherwise — and
 * nothing for work that ends within the first second.
 */
export function progressReporter(label: string, options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): { onProgress: (p: Progress) => void; stop: () => void } {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { onProgress: () => undefined, stop: () => undefined };
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  let lastLine = 0;
  const onProgress = (p: Progress): void => {
    const now = Date.now();
    if (now - started < 1000) return;
    const total = p.total ?? 0;
    if (stream.isTTY) {
      if (!bar) {
        bar = new cliProgress.SingleBar({ stream, format: `${label} [{bar}] {percentage}% {value}/{total} {unit} {key}`, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
        bar.start(total, p.done, { unit: p.unit, key: p.key ?? '' });
      }
      bar.setTotal(total);
      bar.update(p.done, { unit: p.unit, key: p.key ?? '' });
    } else if (now - lastLine >= 2000) {
      lastLine = now;
      stream.write(`${label}: ${p.done}${p.total === null ? '' : `/${p.total}`} ${p.unit}${p.key ? ` (${p.key})` : ''}\n`);
    }
  };
  return { onProgress, stop: () => { bar?.stop(); } };
}
