/**
 * Thread entry of an export's dataset digest ({@link RdbDigestThread} in rdb-digest.ts starts it): the RDB's bytes
 * arrive in order, as views of shared memory the sender no longer writes, and each is acknowledged with its length once
 * parsed (the sender bounds what is in flight); `{ end: true }` is answered with the digest's state, `null` when the RDB holds more than strings, or
 * the error (a damaged RDB). After an error the remaining bytes are acknowledged unread, so the export's other stages
 * finish and the error is reported at the end, as before.
 */
import { parentPort, workerData } from 'worker_threads';
import { RdbStreamDigest, type DigestThreadReply } from './rdb-digest';
import { RdbError } from './rdb-transfer';

const port = parentPort;
if (port) {
  const parser = new RdbStreamDigest({ nowMs: (workerData as { nowMs?: number } | undefined)?.nowMs });
  let failure: Error | undefined;
  port.on('message', (message: Uint8Array | { end: true }) => {
    if (message instanceof Uint8Array) {
      if (!failure) {
        try {
          parser.push(Buffer.from(message.buffer, message.byteOffset, message.length));
        } catch (error) {
          failure = error as Error;
        }
      }
      port.postMessage({ ack: message.length } satisfies DigestThreadReply);
      return;
    }
    let reply: DigestThreadReply;
    try {
      if (failure) throw failure;
      reply = { done: parser.end()?.state() ?? null };
    } catch (error) {
      reply = { error: (error as Error).message, code: error instanceof RdbError ? error.code : undefined };
    }
    port.postMessage(reply);
    port.close();
  });
}
