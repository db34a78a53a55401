/**
 * Test doubles for the export logic: a local HTTP server on a free port that plays the ARM API (scripted per test),
 * an in-memory exports container, and a virtual clock whose sleep advances time instantly.
 */
import { createHash } from 'crypto';
import * as http from 'http';
import type { BlobInfo, ExportStorage, ExportTelemetry, FailureEvent, SasWindow, SuccessEvent } from '../../src/backup/export';
import { freePort } from '../../src/emulator/ports';
import { RespClient } from '../../src/emulator/resp';

export const CACHE_ID = '/subscriptions/sub-1/resourceGroups/rg-orders/providers/Microsoft.Cache/redisEnterprise/orders-cache';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
  readonly body: any;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string | undefined>;
  readonly body?: unknown;
}

export interface FakeArm {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler. */
  handle(handler: (request: RecordedRequest, arm: FakeArm) => Reply | Promise<Reply>): void;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port that answers like ARM, as the test scripts it. */
export async function startFakeArm(): Promise<FakeArm> {
  const port = await freePort();
  const requests: RecordedRequest[] = [];
  let handler: (request: RecordedRequest, arm: FakeArm) => Reply | Promise<Reply> = () => ({ status: 404, body: { error: { code: 'NotFound', message: 'no handler' } } });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        const raw = Buffer.concat(chunks).toString('utf8');
        const request: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : undefined };
        requests.push(request);
        let reply: Reply;
        try {
          reply = await handler(request, arm);
        } catch (error) {
          reply = { status: 500, body: { error: { code: 'TestHandlerFailed', message: (error as Error).message } } };
        }
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        for (const [name, value] of Object.entries(reply.headers ?? {})) if (value !== undefined) headers[name] = value;
        res.writeHead(reply.status, headers);
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const arm: FakeArm = {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return arm;
}

/** The status URL the fake ARM hands out for operation `id`. */
export function operationUrl(arm: FakeArm, id: string): string {
  return `${arm.url}/subscriptions/sub-1/providers/Microsoft.Cache/locations/westeurope/operationsStatus/${id}?api-version=2025-07-01`;
}

export interface MemoryStorage extends ExportStorage {
  readonly blobs: Map<string, Buffer>;
  /** The SAS windows minted, with the directory asked for. */
  readonly minted: Array<{ directory: string; window: SasWindow }>;
  /** Makes every call fail with this error (storage down), or stops failing with undefined. */
  failWith(error: Error | undefined): void;
}

/** An in-memory container; its SAS URLs look like real ones (`memory://exports/<dir>?...`). */
export function memoryStorage(): MemoryStorage {
  const blobs = new Map<string, Buffer>();
  const minted: Array<{ directory: string; window: SasWindow }> = [];
  let failure: Error | undefined;
  const guard = () => {
    if (failure) throw failure;
  };
  return {
    blobs,
    minted,
    failWith: (error) => {
      failure = error;
    },
    async exportSasUrl(directory, window) {
      guard();
      minted.push({ directory, window });
      const q = new URLSearchParams({ sv: '2025-01-05', sr: 'c', sp: window.permissions, st: window.startsOn.toISOString(), se: window.expiresOn.toISOString(), sig: 'test' });
      return `https://memory.blob.core.windows.net/exports/${directory}?${q}`;
    },
    async list(prefix): Promise<BlobInfo[]> {
      guard();
      return [...blobs.entries()].filter(([name]) => name.startsWith(prefix)).map(([name, data]) => ({ name, size: data.length }));
    },
    async digest(name) {
      guard();
      const data = blobs.get(name);
      if (!data) throw new Error(`no blob ${name}`);
      return { sha256: createHash('sha256').update(data).digest('hex'), size: data.length };
    },
    async create(name, content) {
      guard();
      if (blobs.has(name)) throw Object.assign(new Error(`blob ${name} exists`), { statusCode: 409, code: 'BlobAlreadyExists' });
      blobs.set(name, Buffer.from(content, 'utf8'));
    },
  };
}

/** The directory a SAS URL points at (`https://host/container/<dir>?sas` → `<dir>`). */
export function sasDirectory(sasUri: string): string {
  return new URL(sasUri).pathname.split('/').slice(2).map(decodeURIComponent).join('/');
}

export interface Recorder extends ExportTelemetry {
  readonly successes: SuccessEvent[];
  readonly failures: FailureEvent[];
}

export function recorder(): Recorder {
  const successes: SuccessEvent[] = [];
  const failures: FailureEvent[] = [];
  return { successes, failures, succeeded: (e) => successes.push(e), failed: (e) => failures.push(e) };
}

/** A clock that starts at `start` and moves only when slept on. */
export function virtualClock(start = new Date('2025-03-04T05:06:07.890Z')) {
  let now = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Empties the redis-server on `port` and runs `commands` on it, each of which must succeed. */
export async function loadCommands(port: number, commands: ReadonlyArray<ReadonlyArray<string | number | Buffer>>): Promise<void> {
  const client = await RespClient.connect(port);
  try {
    await client.strict(['FLUSHALL']);
    for (const c of commands) await client.strict(c);
  } finally {
    client.close();
  }
}
