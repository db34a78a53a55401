/**
 * Thread entry of the key-line scan ({@link startKeyLineScan} in key-line-thread.ts starts it): each request is a
 * JSON text, or the UTF-8 bytes it was decoded from (handed over, not copied), and the sections to report; the answer
 * is what scanKeyLines found, the nesting limit it ran into, or the error. Requests are answered in the order they
 * arrive.
 */
import { parentPort } from 'worker_threads';
import { decodeUtf8 } from './decode';
import { scanKeyLines, TooDeepError, type KeyLines, type KeySection } from './json-lines';

export type KeyLineRequest = { readonly id: number; readonly sections: readonly KeySection[] } & ({ readonly text: string } | { readonly bytes: Uint8Array });

export type KeyLineReply = { readonly id: number; readonly found: KeyLines } | { readonly id: number; readonly tooDeep: number } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  port.on('message', (request: KeyLineRequest) => {
    const { id, sections } = request;
    let reply: KeyLineReply;
    try {
      // The same decoding as the sender's, so the same text (an invalid sequence becomes U+FFFD in both).
      const text = 'text' in request ? request.text : decodeUtf8(request.bytes);
      reply = { id, found: scanKeyLines(text, sections) };
    } catch (error) {
      reply = error instanceof TooDeepError ? { id, tooDeep: error.limit } : { id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
}
