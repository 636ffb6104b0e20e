/**
 * A one-line progress indicator for long Monte Carlo runs, redrawn in place on a terminal's stderr.
 */
import { formatCount } from '../../present/format.ts';

/** A progress callback writing `\rMonte Carlo  42% (420,000 / 1,000,000 paths)` and a final newline. */
export function progressLine(write: (text: string) => void): (done: number, total: number) => void {
  let lastPercent = -1;
  return (done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (percent === lastPercent) return;
    lastPercent = percent;
    write(
      `\rMonte Carlo ${String(percent).padStart(3)}% (${formatCount(done)} / ${formatCount(total)} paths)`,
    );
    if (done >= total) write('\n');
  };
}
