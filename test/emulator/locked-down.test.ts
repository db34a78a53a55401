/**
 * The emulator as a hostile local user probes it (issue 10, "Locked down"), on one running emulated cache:
 * malformed RESP gets a protocol error and a closed connection (no CPU spin, no memory growth); before AUTH only a few
 * KB are buffered; the redis-servers refuse every command without the internal password; secrets are 0600 and state
 * directories 0700; the control plane exports only to its own Azurite, with a SAS that Azurite verifies, and refuses
 * control characters; the supervisor restarts a proxy that stops answering, and `status` says so.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ProductionStack } from '../../examples/production/stack';
import { down, status, up } from '../../src/emulator/emulator';
import type { TopologyManifest } from '../../src/topology/manifest';
import { isAlive, signal, sleep } from '../../src/emulator/processes';
import { RespClient, text } from '../../src/emulator/resp';
import { readState, type EmulatorState } from '../../src/emulator/state';
import { synthesizeStack } from '../support/synth';
import { arm, containerSasUrl, databasePath } from './support-cp-storage';

jest.setTimeout(120000);

/** Sends `data` on a fresh connection and collects what comes back until the server closes it (or `timeoutMs`). */
function exchange(port: number, data: Buffer | Buffer[], timeoutMs = 5000): Promise<{ reply: string; closed: boolean; accepted: number }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let accepted = 0;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed, accepted });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      for (const d of Array.isArray(data) ? data : [data]) {
        if (socket.destroyed) break;
        socket.write(d);
        accepted += d.length;
      }
    });
  });
}

/** CPU seconds (user + system) and resident memory (KB) of a process, from /proc. */
function usage(pid: number): { cpu: number; rssKb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpu: ticks / 100, rssKb: Number(rss) };
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('the emulator, locked down', () => {
  const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-locked-state-'));
  const manifestFile = `${stateDir}-manifest.json`;
  let state: EmulatorState;

  beforeAll(async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(stackDir, 'amr.topology.json'), 'utf8')) as TopologyManifest;
    const cache = { ...manifest.caches[0], name: 'orders-plain', clientProtocol: 'Plaintext', accessKeysAuthentication: true };
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, caches: [cache], geoGroups: [] }));
    await up({ source: manifestFile, stateDir, shards: 2 });
    state = readState(stateDir)!;
  });

  afterAll(async () => {
    await down({ stateDir, purge: true });
    fs.rmSync(manifestFile, { force: true });
  });

  test('14 bytes with a malformed bulk length: a protocol error and a closed connection, no CPU spin, no memory growth', async () => {
    const cache = state.caches[0];
    const proxy = cache.nodes[0];
    const before = usage(proxy.proxyPid!);
    for (const port of [cache.endpointPort!, proxy.proxyPort]) {
      const { reply, closed } = await exchange(port, Buffer.from('*2\r\n$abc\r\nGET\r\n'));
      expect(reply).toBe('-ERR Protocol error: invalid bulk length\r\n');
      expect(closed).toBe(true);
    }
    await sleep(1000);
    const after = usage(proxy.proxyPid!);
    expect(after.cpu - before.cpu).toBeLessThan(0.5);
    expect(after.rssKb - before.rssKb).toBeLessThan(20 * 1024);
    // The proxy still serves.
    const client = await RespClient.connect(proxy.proxyPort, '127.0.0.1', 2000, cache.password);
    expect(await client.call(['PING'])).toBe('PONG');
    client.close();
  });

  test('an incomplete huge bulk before AUTH is refused after a few KB', async () => {
    const port = state.caches[0].endpointPort!;
    const header = Buffer.from('*2\r\n$4\r\nAUTH\r\n$999999999999\r\n');
    const { reply, closed } = await exchange(port, [header, ...Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x61))]);
    expect(reply).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    expect(closed).toBe(true);
    // A bulk of a plausible length is refused too once it exceeds what AUTH needs.
    const slow = await exchange(port, [Buffer.from('*2\r\n$4\r\nAUTH\r\n$20000\r\n'), Buffer.alloc(1024, 0x61)]);
    expect(slow.reply).toBe('-ERR Protocol error: unauthenticated bulk length\r\n');
    expect(slow.closed).toBe(true);
    // And so is a command line without CRLF.
    const inline = await exchange(port, [Buffer.alloc(8192, 0x61)]);
    expect(inline.reply).toBe('-ERR Protocol error: too big inline request\r\n');
    expect(inline.closed).toBe(true);
  });

  test('the redis-servers refuse FLUSHALL and SHUTDOWN without the internal password', async () => {
    for (const r of state.caches[0].redis) {
      const client = await RespClient.connect(r.port, '127.0.0.1', 2000, null);
      try {
        for (const command of [['FLUSHALL'], ['SHUTDOWN', 'NOSAVE'], ['CONFIG', 'GET', 'requirepass']]) {
          expect(text(await client.call(command))).toMatch(/^NOAUTH/);
        }
        // The cache's own password is not the internal one either.
        expect(text(await client.call(['AUTH', state.caches[0].password!]))).toMatch(/WRONGPASS/);
      } finally {
        client.close();
      }
      expect(isAlive(r.pid!)).toBe(true);
    }
    // The password is on no command line.
    for (const r of state.caches[0].redis) expect(fs.readFileSync(`/proc/${r.pid}/cmdline`, 'utf8')).not.toContain(state.internalPassword!);
  });

  test('state.json, configs and secret files are 0600, state directories 0700', () => {
    const cache = state.caches[0];
    const files = [
      path.join(stateDir, 'state.json'),
      ...cache.nodes.map((n) => path.join(stateDir, 'proxy', `${cache.name}-${n.id}.json`)),
      path.join(stateDir, 'endpoint', `${cache.name}.json`),
      path.join(stateDir, 'secrets', `${cache.name}.password`),
      ...cache.redis.map((r) => path.join(r.dir, 'secret.conf')),
    ];
    for (const file of files) expect({ file, mode: mode(file).toString(8) }).toEqual({ file, mode: '600' });
    const dirs = [stateDir, path.join(stateDir, 'proxy'), path.join(stateDir, 'endpoint'), path.join(stateDir, 'secrets'), path.join(stateDir, 'azurite'), ...cache.redis.map((r) => r.dir)];
    for (const dir of dirs) expect({ dir, mode: mode(dir).toString(8) }).toEqual({ dir, mode: '700' });
  });

  describe('the control plane', () => {
    const token = () => state.services!.controlPlane!.token;
    const url = () => state.services!.controlPlane!.url;
    const azurite = () => {
      const a = state.services!.azurite!;
      return { ...a, connectionString: '', stop: async () => undefined };
    };

    test('refuses an export to a port that is not its own Azurite', async () => {
      const other = containerSasUrl(azurite(), 'exports').replace(`:${state.services!.azurite!.blobPort}/`, `:${state.caches[0].nodes[0].proxyPort}/`);
      const response = await arm(url(), 'POST', databasePath('orders-plain', 'export'), { token: token(), body: { sasUri: other } });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidSasUri');
      expect(response.body.error.message).toMatch(/only to this emulator's Blob Storage/);
    });

    test("refuses a SAS whose sig does not verify against Azurite's account key", async () => {
      const good = containerSasUrl(azurite(), 'exports');
      const forged = good.replace(/sig=[^&]+/, `sig=${encodeURIComponent(Buffer.alloc(32, 7).toString('base64'))}`);
      const response = await arm(url(), 'POST', databasePath('orders-plain', 'export'), { token: token(), body: { sasUri: forged } });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'InvalidSasUri' });
      expect(response.body.error.message).toMatch(/does not verify/);
      // The genuine SAS is accepted (and the export runs).
      const accepted = await arm(url(), 'POST', databasePath('orders-plain', 'export'), { token: token(), body: { sasUri: good.replace('/exports?', '/exports/ok?') } });
      expect(accepted.status).toBe(202);
    });

    test('refuses NUL and other control characters in a prefix or a name', async () => {
      for (const prefix of ['backups%00x', 'a%0Ab', 'tab%09']) {
        const sasUri = containerSasUrl(azurite(), 'exports').replace('/exports?', `/exports/${prefix}?`);
        const response = await arm(url(), 'POST', databasePath('orders-plain', 'export'), { token: token(), body: { sasUri } });
        expect({ prefix, status: response.status, code: response.body.error.code }).toEqual({ prefix, status: 400, code: 'InvalidSasUri' });
      }
      const named = await arm(url(), 'POST', databasePath('orders%00plain', 'export'), { token: token(), body: { sasUri: containerSasUrl(azurite(), 'exports') } });
      expect(named.status).toBe(400);
      expect(named.body.error.code).toBe('InvalidResourceName');
    });
  });

  test("the supervisor starts a cache's endpoint again when its process dies", async () => {
    const before = readState(stateDir)!.caches[0];
    signal(before.endpointPid!, 'SIGKILL');
    const deadline = Date.now() + 15000;
    let after = before;
    while (Date.now() < deadline && (after.endpointPid === before.endpointPid || !isAlive(after.endpointPid!))) {
      await sleep(100);
      after = readState(stateDir)!.caches[0];
    }
    expect(after.endpointPid).not.toBe(before.endpointPid);
    const client = await RespClient.connect(after.endpointPort!, '127.0.0.1', 2000, after.password);
    expect(await client.call(['PING'])).toBe('PONG');
    client.close();
  });

  test("the supervisor restarts a cache's endpoint that stops answering (SIGSTOP), and the endpoint serves again", async () => {
    const before = readState(stateDir)!.caches[0];
    const hung = before.endpointPid!;
    signal(hung, 'SIGSTOP');
    const deadline = Date.now() + 15000;
    let after = before;
    while (Date.now() < deadline && (after.endpointPid === hung || !isAlive(after.endpointPid!))) {
      await sleep(100);
      after = readState(stateDir)!.caches[0];
    }
    expect(after.endpointPid).not.toBe(hung);
    expect(isAlive(hung)).toBe(false); // killed by PID, not left stopped
    expect(fs.readFileSync(path.join(stateDir, 'events.log'), 'utf8')).toMatch(new RegExp(`orders-plain: endpoint ${hung} on port ${before.endpointPort} stopped answering \\d+ ms ago; restarted as ${after.endpointPid}`));
    const client = await RespClient.connect(after.endpointPort!, '127.0.0.1', 2000, after.password);
    expect(await client.call(['PING'])).toBe('PONG');
    client.close();
  });

  test('the supervisor restarts a proxy that stops answering (SIGSTOP), and status says so', async () => {
    const node = state.caches[0].nodes[1];
    const hung = node.proxyPid!;
    signal(hung, 'SIGSTOP');
    const deadline = Date.now() + 15000;
    let restarted: EmulatorState['caches'][number]['nodes'][number] | undefined;
    while (Date.now() < deadline) {
      restarted = readState(stateDir)!.caches[0].nodes.find((n) => n.id === node.id);
      if (restarted?.proxyPid !== hung) break;
      await sleep(100);
    }
    expect(restarted!.proxyPid).not.toBe(hung);
    expect(isAlive(hung)).toBe(false);
    const s = await status(stateDir);
    const shown = s.caches[0].nodes.find((n) => n.id === node.id)!;
    expect(shown.proxy).toMatchObject({ alive: true, restarts: 1 });
    expect(fs.readFileSync(path.join(stateDir, 'events.log'), 'utf8')).toMatch(new RegExp(`orders-plain/${node.id}: proxy ${hung} on port ${node.proxyPort} stopped answering \\d+ ms ago; restarted as \\d+`));
    const client = await RespClient.connect(node.proxyPort, '127.0.0.1', 2000, state.caches[0].password);
    expect(await client.call(['PING'])).toBe('PONG');
    client.close();
  });
});
