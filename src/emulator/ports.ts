/**
 * Free TCP ports on loopback, below 32768 (Linux's ephemeral range starts there, and Redis' default cluster bus port
 * is port + 10000, which would collide with it). Each port is proven free by binding it; ports handed out are never
 * handed out again by this process.
 */
import * as net from 'net';

const MIN_PORT = 10000;
const MAX_PORT = 32767;
const handedOut = new Set<number>();

/** Whether the port can be bound on loopback right now. */
export function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Ports chosen by other means (the caches' endpoints): never handed out by freePort() in this process. */
export function reservePorts(ports: readonly number[]): void {
  for (const port of ports) handedOut.add(port);
}

/** One free port. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const port = MIN_PORT + Math.floor(Math.random() * (MAX_PORT - MIN_PORT));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port between ${MIN_PORT} and ${MAX_PORT} after 2000 attempts`);
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
