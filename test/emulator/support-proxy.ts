/** Helpers for the proxy tests. */
import { RespClient, text, type RespValue } from '../../src/emulator/resp';
import { keySlot } from '../../src/emulator/slots';
import { sleep } from '../../src/emulator/processes';

/** Polls `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** `count` keys named `${prefix}:${i}`, which land in many different slots. */
export function manyKeys(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

/** A key whose slot lies in [from, to]. */
export function keyInRange(from: number, to: number, prefix = 'key'): string {
  for (let i = 0; ; i++) {
    const key = `${prefix}:${i}`;
    const slot = keySlot(key);
    if (slot >= from && slot <= to) return key;
  }
}

/** Connects a raw RESP client and remembers it for `closeAll`. */
export class RawClients {
  private readonly clients: RespClient[] = [];

  public async connect(port: number): Promise<RespClient> {
    const client = await RespClient.connect(port);
    this.clients.push(client);
    return client;
  }

  public closeAll(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}

/** A reply as plain JSON-able data (bulk strings as text). */
export function plain(value: RespValue): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value !== null && typeof value === 'object') return { error: text(value) };
  return value;
}

/** Parses `key:value` lines (INFO, CLUSTER INFO). */
export function fields(raw: RespValue): Record<string, string> {
  return Object.fromEntries(
    text(raw)
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}
