import type { RequestProgress } from '../sources/cluster/api-client.js';
import type { IoStreams } from './io.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Reads that answer within this long draw nothing: most commands on a healthy cluster never show the line. */
const showAfterMs = 1000;
const redrawMs = 100;
/** A request that starts this soon after the last one ended continues the same read (next page, retry). */
const continuationMs = 1000;

/**
 * A one-line spinner on stderr naming what is being read, for any read that takes over a second, as
 * long-running kubectl plugins do. Only on a terminal: piped or redirected stderr gets nothing, so logs and
 * tests see no control characters. The line is erased as soon as nothing is in flight, before anything else
 * is printed; its timer never keeps the process alive.
 */
export function terminalProgress(io: IoStreams, now: () => number = Date.now): RequestProgress | undefined {
  const stderr = io.stderr as NodeJS.WritableStream & { readonly isTTY?: boolean };
  if (!stderr.isTTY || io.env.KUBECTL_SA_NO_PROGRESS) return undefined;
  const inFlight = new Map<number, string>();
  /** When the cluster last went from idle to busy: a read is the whole stretch, pages and retries included. */
  let busySince = 0;
  let idleSince = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  let drawn = false;

  const erase = () => {
    if (drawn) stderr.write('\r\u001b[K');
    drawn = false;
  };
  const draw = () => {
    const waited = now() - busySince;
    if (inFlight.size === 0 || waited < showAfterMs) return erase();
    const names = [...new Set(inFlight.values())];
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` (+${names.length - 3} more)` : '');
    stderr.write(`\r\u001b[K${frames[frame++ % frames.length] ?? ''} reading ${shown} (${Math.floor(waited / 1000)}s)`);
    drawn = true;
  };

  return {
    started(id, what) {
      // The next page or a retry's backoff follows a moment after: the same read goes on.
      if (inFlight.size === 0 && now() - idleSince > continuationMs) busySince = now();
      inFlight.set(id, what);
      if (!timer) {
        timer = setInterval(draw, redrawMs);
        timer.unref();
      }
    },
    ended(id) {
      inFlight.delete(id);
      if (inFlight.size > 0) return;
      // Erased at once: whatever the command prints next must not land on the spinner's line.
      idleSince = now();
      if (timer) clearInterval(timer);
      timer = undefined;
      erase();
    },
  };
}
