/**
 * Thread entry of the key-line scan ({@link startKeyLineScan} in key-line-thread.ts starts it): each request is a
 * JSON text, or the UTF-8 bytes it was decoded from (handed over, not copied, and scanned as they are), and the
 * sections to report; the answer is what scanKeyLines found, the nesting limit it ran into, or the error. Requests are
 * answered in the order they arrive.
 */
import { parentPort } from 'worker_threads';
import { scanKeyLines, TooDeepError, type KeyLines, type KeySection } from './json-lines';

export type KeyLineRequest = { readonly id: number; readonly sections: readonly KeySection[] } & ({ readonly text: string } | { readonly bytes: Uint8Array });

export type KeyLineReply = { readonly id: number; readonly found: KeyLines } | { readonly id: number; readonly tooDeep: number } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  port.on('message', (request: KeyLineRequest) => {
    const { id, sections } = request;
    let reply: KeyLineReply;
    try {
      // The bytes are scanned as they are: the scan reads bytes, and decoding them first would only build a copy.
      reply = { id, found: scanKeyLines('text' in request ? request.text : request.bytes, sections) };
    } catch (error) {
      reply = error instanceof TooDeepError ? { id, tooDeep: error.limit } : { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
