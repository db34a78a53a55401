/**
 * How the supervisor tells a frozen endpoint from a live one (src/emulator/supervisor.ts endpointReacts): any reply,
 * a close or a reset is a reaction; a connection the kernel accepted that nobody ever answers is not, and neither is a
 * port nobody listens on. Real sockets on free ports, every server closed at the end.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { freePort } from '../../src/emulator/ports';
import { endpointReacts } from '../../src/emulator/supervisor';
import { makeTlsMaterial } from '../../src/emulator/tls';

const servers: net.Server[] = [];
const held: net.Socket[] = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-endpoint-reacts-'));

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => void held.push(socket)); // every server-side socket, destroyed at the end
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('endpointReacts', () => {
  test('a reply is a reaction (NOAUTH to the inline PING, as the endpoint gives it)', async () => {
    const port = await listen(net.createServer((socket) => socket.once('data', () => socket.end('-NOAUTH Authentication required.\r\n'))));
    expect(await endpointReacts(port, 500)).toBe(true);
  });

  test('closing at once is a reaction (an endpoint whose nodes are all down)', async () => {
    const port = await listen(net.createServer((socket) => socket.end()));
    expect(await endpointReacts(port, 500)).toBe(true);
  });

  test('a TLS endpoint given bytes that are not TLS reacts by closing', async () => {
    const files = await makeTlsMaterial(dir); // the endpoint's own certificate and key
    const port = await listen(tls.createServer({ key: fs.readFileSync(files.keyFile), cert: fs.readFileSync(files.certFile) }, () => undefined));
    expect(await endpointReacts(port, 1000)).toBe(true);
  });

  test('a connection accepted but never answered is not (a frozen process), nor is a port nobody listens on', async () => {
    const port = await listen(net.createServer(() => undefined));
    const started = Date.now();
    expect(await endpointReacts(port, 300)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const nobody = await freePort();
    expect(await endpointReacts(nobody, 300)).toBe(false);
  });
});
