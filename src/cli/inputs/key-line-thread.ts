/**
 * The key-line scan of a large JSON input on a second thread, while this thread parses the same text. On a 10 MB plan
 * the scan is a quarter of `amr check`'s own work and JSON.parse takes longer than it, so with a second core the scan
 * costs only the hand-over of the text. Small inputs, and machines with one core, are scanned on this thread when the
 * result is asked for. If the thread cannot start or fails, the scan runs here: the answer never depends on the thread.
 */
import * as os from 'os';
import { Worker } from 'worker_threads';
import { entryScript } from '../../emulator/entry-cache';
import { scanKeyLines, TooDeepError, type KeyLines, type KeySection } from './json-lines';
import type { KeyLineReply, KeyLineRequest } from './key-line-scan-main';

/** Texts shorter than this are scanned on this thread: a few milliseconds, less than handing them over. */
export const THREAD_MIN_CHARS = 4 * 1024 * 1024;

/** The one scan thread of the process, started on the first large input and kept (unreferenced while idle). */
let thread: Worker | undefined;
/** Set when the thread failed to start or died: every later scan runs on this thread. */
let threadUnusable = false;
const waiting = new Map<number, (reply: KeyLineReply | undefined) => void>();
let nextId = 0;

function useThread(chars: number): boolean {
  return chars >= THREAD_MIN_CHARS && !threadUnusable && os.availableParallelism() > 1;
}

function scanThread(): Worker | undefined {
  if (thread || threadUnusable) return thread;
  try {
    const worker = new Worker(entryScript(__filename, 'key-line-scan-main'));
    const fail = () => {
      threadUnusable = true;
      thread = undefined;
      for (const answer of waiting.values()) answer(undefined);
      waiting.clear();
    };
    worker.on('message', (reply: KeyLineReply) => {
      const answer = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (waiting.size === 0) worker.unref(); // idle: the process may end without it
      answer?.(reply);
    });
    worker.once('error', fail);
    worker.once('exit', fail);
    worker.unref();
    thread = worker;
  } catch {
    threadUnusable = true;
  }
  return thread;
}

/** Whether the scan thread is running, not started yet, or unusable (then every scan runs on this thread). */
export function keyLineThreadState(): 'running' | 'not-started' | 'unusable' {
  return thread ? 'running' : threadUnusable ? 'unusable' : 'not-started';
}

/** Starts the thread ahead of a scan of about `chars` characters (e.g. when a large file is found, before reading it). */
export function prepareKeyLineScan(chars: number): void {
  if (useThread(chars)) scanThread();
}

/**
 * Begins the key-line scan of `text` (see scanKeyLines) and returns the function that gives its result: for a large
 * text the scan starts now on the scan thread; otherwise it runs when the result is asked for. The result rejects with
 * TooDeepError where scanKeyLines throws it. Not asking for the result is harmless.
 *
 * `bytes`, the UTF-8 file `text` was decoded from, is handed to the thread instead of the text when it owns its memory
 * (copying 10 MB of text to the thread costs this thread milliseconds; handing bytes over costs nothing): the caller
 * must not read `bytes` afterwards.
 */
export function startKeyLineScan(text: string, sections: readonly KeySection[], bytes?: Buffer): () => Promise<KeyLines> {
  const worker = useThread(text.length) ? scanThread() : undefined;
  if (worker === undefined) return async () => scanKeyLines(bytes ?? text, sections);
  const id = nextId++;
  const reply = new Promise<KeyLineReply | undefined>((resolve) => waiting.set(id, resolve));
  worker.ref(); // a scan in flight keeps the process alive until it is answered
  if (bytes !== undefined && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    worker.postMessage({ id, sections, bytes } satisfies KeyLineRequest, [bytes.buffer]);
  } else worker.postMessage({ id, sections, text } satisfies KeyLineRequest);
  return async () => {
    const answer = await reply;
    if (answer === undefined || 'error' in answer) return scanKeyLines(text, sections); // the thread failed: scan here
    if ('tooDeep' in answer) throw new TooDeepError(answer.tooDeep);
    return answer.found;
  };
}
