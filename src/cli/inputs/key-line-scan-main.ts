/**
 * Thread entry of the key-line scan ({@link startKeyLineScan} in key-line-thread.ts starts it): each request is a
 * JSON text and the sections to report; the answer is what scanKeyLines found, the nesting limit it ran into, or the
 * error. Requests are answered in the order they arrive.
 */
import { parentPort } from 'worker_threads';
import { scanKeyLines, TooDeepError, type KeyLines, type KeySection } from './json-lines';

export interface KeyLineRequest {
  readonly id: number;
  readonly text: string;
  readonly sections: readonly KeySection[];
}

export type KeyLineReply = { readonly id: number; readonly found: KeyLines } | { readonly id: number; readonly tooDeep: number } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  port.on('message', ({ id, text, sections }: KeyLineRequest) => {
    let reply: KeyLineReply;
    try {
      reply = { id, found: scanKeyLines(text, sections) };
    } catch (error) {
      reply = error instanceof TooDeepError ? { id, tooDeep: error.limit } : { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
