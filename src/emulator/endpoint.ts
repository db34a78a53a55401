/**
 * A cache's endpoint (issue 10), like the service's `<name>.<region>.redis.azure.net:10000`: one stable
 * `127.0.0.1:PORT` that accepts connections while any node of the cache lives. Each client connection goes to a live
 * node (round robin), whose proxy authenticates the client and routes its commands.
 *
 * The node's proxy runs inside the endpoint's process as well (`proxyConfigFile`: the same code and configuration as
 * the node's proxy process, see proxy/server.ts startProxyEngine), so a client's bytes leave TLS straight into the
 * proxy's session handling rather than crossing a second Node process (issue 11: that hop cost more CPU per request
 * than the proxy's own work). The proxies of one cache share their connections to the redis-servers (ProxyGroup).
 * Without a `proxyConfigFile` a connection is forwarded, byte for byte, to the node's proxy process.
 *
 * The endpoint probes every node's proxy process (PING; any reply, even NOAUTH, is an answer) and drops the
 * connections it serves through a node that dies or stops answering, so a client reconnects to the same endpoint and
 * lands on a live node. With TLS (client_protocol Encrypted) the endpoint terminates TLS; for OSSCluster with TLS it
 * also listens on one TLS port per node (`nodes[].announcePort`), which the proxies announce in CLUSTER
 * SLOTS/SHARDS/NODES and MOVED, so a cluster-aware client given only the endpoint follows redirections over TLS.
 *
 * The endpoint buffers nothing of its own: a served connection has the proxy session's limits (a few KB before AUTH),
 * a forwarded one is a pair of pipes. A client is never kept waiting for a node: when no node answers it is closed at
 * once.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as tls from 'tls';
import { ProxyGroup, startProxyEngine, type ProxyConfig, type ProxyEngine } from './proxy';
import { RespClient, useInternalPassword } from './resp';

export interface EndpointNode {
  readonly id: string;
  readonly proxyPort: number;
  /** OSSCluster with TLS: this node's TLS port on the endpoint, announced by the proxies instead of proxyPort. */
  readonly announcePort?: number;
  /**
   * The node's proxy configuration (its 0600 JSON file): the endpoint serves the node's clients with that proxy in
   * its own process. @default none (connections are forwarded to the proxy process)
   */
  readonly proxyConfigFile?: string;
}

export interface EndpointConfig {
  readonly cache: string;
  readonly listenPort: number;
  /** PEM files of the endpoint's certificate and key; plaintext when absent. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly nodes: readonly EndpointNode[];
  /** How often each proxy is probed. @default 100 */
  readonly probeMs?: number;
  /** A proxy that has not answered a probe within this time is out (its connections are dropped). @default 300 */
  readonly probeTimeoutMs?: number;
}

export interface EndpointHandle {
  readonly port: number;
  /** Node ids whose proxies answer now. */
  healthy(): string[];
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

class NodeLink {
  public healthy = true;
  public readonly pipes = new Set<net.Socket>();
  /** The node's proxy in this process, and the client sessions it serves. */
  public engine?: ProxyEngine;
  public readonly sessions = new Set<{ destroy(): void }>();
  private probe?: RespClient;
  private probing = false;

  public constructor(public readonly node: EndpointNode) {}

  /** One probe: any reply within the timeout keeps the node in; a timeout, refusal or close takes it out. */
  public async check(timeoutMs: number): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      if (!this.probe) this.probe = await RespClient.connect(this.node.proxyPort, HOST, timeoutMs, null);
      await this.probe.call(['PING'], timeoutMs);
      this.healthy = true;
    } catch {
      this.probe?.close();
      this.probe = undefined;
      this.out();
    } finally {
      this.probing = false;
    }
  }

  /** The node failed: every connection forwarded through it is dropped (its clients reconnect elsewhere). */
  public out(): void {
    this.healthy = false;
    for (const socket of this.pipes) socket.destroy();
    this.pipes.clear();
    for (const session of this.sessions) session.destroy();
    this.sessions.clear();
  }

  public async close(): Promise<void> {
    this.probe?.close();
    this.out();
    await this.engine?.close();
  }
}

/** Serves a client with `link`'s proxy in this process. */
function serve(client: net.Socket, link: NodeLink): void {
  const session = link.engine!.adopt(client);
  if (!session) return;
  link.sessions.add(session);
  client.once('close', () => link.sessions.delete(session));
  client.resume();
}

/** Joins a client socket to a new connection to `link`'s proxy; calls `failed` if that connection is refused. */
function forward(client: net.Socket, link: NodeLink, failed: () => void): void {
  const upstream = net.connect({ port: link.node.proxyPort, host: HOST });
  upstream.setNoDelay(true);
  let connected = false;
  link.pipes.add(upstream);
  upstream.once('connect', () => {
    connected = true;
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
  upstream.on('error', () => undefined);
  upstream.once('close', () => {
    link.pipes.delete(upstream);
    if (!connected && !client.destroyed) return failed();
    // What the proxy sent last (a protocol error, QUIT's +OK) still reaches the client, then the connection ends.
    client.end();
    setTimeout(() => client.destroy(), 1000).unref();
  });
  client.once('close', () => upstream.destroy());
}

export class Endpoint {
  private readonly links: NodeLink[];
  private readonly servers: net.Server[] = [];
  private readonly clients = new Set<net.Socket>();
  private next = 0;
  private timer?: NodeJS.Timeout;
  public port = 0;

  public constructor(private readonly config: EndpointConfig) {
    this.links = config.nodes.map((n) => new NodeLink(n));
  }

  private server(onSocket: (socket: net.Socket) => void): net.Server {
    const accept = (socket: net.Socket) => {
      this.clients.add(socket);
      socket.once('close', () => this.clients.delete(socket));
      socket.on('error', () => undefined);
      socket.setNoDelay(true);
      socket.pause();
      onSocket(socket);
    };
    if (!this.config.tls) return net.createServer(accept);
    const options: tls.TlsOptions = { cert: fs.readFileSync(this.config.tls.certFile), key: fs.readFileSync(this.config.tls.keyFile), minVersion: 'TLSv1.2', handshakeTimeout: 5000 };
    const server = tls.createServer(options, accept);
    // A failed handshake is the client's problem, never the endpoint's.
    server.on('tlsClientError', () => undefined);
    return server;
  }

  /** The endpoint: the next live node in turn, then the others if its proxy refuses. */
  private acceptCache(client: net.Socket, tried = new Set<NodeLink>()): void {
    const candidates = this.links.filter((l) => l.healthy && !tried.has(l));
    if (candidates.length === 0) {
      client.destroy();
      return;
    }
    const link = candidates[this.next++ % candidates.length];
    if (link.engine) return serve(client, link);
    tried.add(link);
    forward(client, link, () => {
      link.out();
      this.acceptCache(client, tried);
    });
  }

  /** A node's own TLS port (OSSCluster): that node or nothing, as a node's own address is on the service. */
  private acceptNode(client: net.Socket, link: NodeLink): void {
    if (!link.healthy) {
      client.destroy();
      return;
    }
    if (link.engine) return serve(client, link);
    forward(client, link, () => {
      link.out();
      client.destroy();
    });
  }

  private listen(server: net.Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: HOST, exclusive: true }, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  public async start(): Promise<void> {
    const probeMs = this.config.probeMs ?? 100;
    const timeoutMs = this.config.probeTimeoutMs ?? 300;
    await Promise.all(this.links.map((l) => l.check(timeoutMs)));
    const group = new ProxyGroup();
    for (const link of this.links) {
      if (!link.node.proxyConfigFile) continue;
      const config = JSON.parse(fs.readFileSync(link.node.proxyConfigFile, 'utf8')) as ProxyConfig;
      // The redis-servers' password, as the node's proxy process has it (service-entry.ts).
      if (config.internalPassword !== undefined) useInternalPassword(config.internalPassword);
      link.engine = await startProxyEngine(config, group);
    }
    const main = this.server((socket) => this.acceptCache(socket));
    this.servers.push(main);
    this.port = await this.listen(main, this.config.listenPort);
    for (const link of this.links) {
      if (link.node.announcePort === undefined) continue;
      const server = this.server((socket) => this.acceptNode(socket, link));
      this.servers.push(server);
      await this.listen(server, link.node.announcePort);
    }
    this.timer = setInterval(() => {
      for (const link of this.links) void link.check(timeoutMs);
    }, probeMs);
  }

  public healthy(): string[] {
    return this.links.filter((l) => l.healthy).map((l) => l.node.id);
  }

  public async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const socket of this.clients) socket.destroy();
    await Promise.all([...closed, ...this.links.map((l) => l.close())]);
  }
}

/** Starts an endpoint; resolves once it listens (after one probe of every node). */
export async function startEndpoint(config: EndpointConfig): Promise<EndpointHandle> {
  const endpoint = new Endpoint(config);
  await endpoint.start();
  return { port: endpoint.port, healthy: () => endpoint.healthy(), close: () => endpoint.close() };
}
