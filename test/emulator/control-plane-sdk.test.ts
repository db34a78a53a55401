/**
 * The control plane driven by the Azure SDK's own machinery: @azure/core-rest-pipeline's bearer-token policy (which
 * refuses plain http, hence the TLS option) and @azure/core-lro's poller following Azure-AsyncOperation to the end.
 */
import { createHttpPoller, type LroResponse } from '@azure/core-lro';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { startControlPlane, type ControlPlane, type ControlPlaneCache } from '../../src/emulator/control-plane';
import { freePort } from '../../src/emulator/ports';
import { databasePath } from './support-cp-storage';

const TOKEN = 'sdk-token';

describe('control plane through the Azure SDK pipeline and poller', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-cp-sdk-'));
  let plane: ControlPlane;
  let plainPlane: ControlPlane;
  let cert: Buffer;
  let agent: https.Agent;
  let pipeline: Pipeline;
  const client = createDefaultHttpClient();
  let failFlush = false;
  const cache: ControlPlaneCache = {
    region: 'westeurope',
    primaries: async () => [],
    flush: async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (failFlush) throw new Error('primary 127.0.0.1:1 did not answer');
    },
  };

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = fs.readFileSync(path.join(dir, 'cert.pem'));
    agent = new https.Agent({ ca: cert });
    const resolveCache = (name: string) => (name === 'cache1' ? cache : undefined);
    plane = await startControlPlane({ port: await freePort(), token: TOKEN, resolveCache, tls: { cert, key: fs.readFileSync(path.join(dir, 'key.pem')) } });
    plainPlane = await startControlPlane({ port: await freePort(), token: TOKEN, resolveCache });
    pipeline = createEmptyPipeline();
    pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential: { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) }, scopes: 'https://management.azure.com/.default' }),
    );
  });

  afterAll(async () => {
    agent?.destroy();
    await Promise.all([plane?.close(), plainPlane?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function send(url: string, method: 'GET' | 'POST', body?: unknown): Promise<LroResponse<unknown>> {
    const request = createPipelineRequest({ url, method, headers: createHttpHeaders({ 'content-type': 'application/json' }), body: body === undefined ? undefined : JSON.stringify(body) });
    request.agent = agent; // trusts the test certificate (an application would set NODE_EXTRA_CA_CERTS instead)
    const response = await pipeline.sendRequest(client, request);
    const parsed = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    return { flatResponse: parsed, rawResponse: { statusCode: response.status, headers: response.headers.toJSON(), body: parsed } };
  }

  function poller(url: string) {
    return createHttpPoller(
      { sendInitialRequest: () => send(url, 'POST', {}), sendPollRequest: (pollPath: string) => send(pollPath, 'GET') },
      { resourceLocationConfig: 'azure-async-operation', intervalInMs: 20 },
    );
  }

  test('the bearer-token policy reaches the HTTPS control plane and the poller ends on Succeeded', async () => {
    const result = (await (await poller(`${plane.url}${databasePath('cache1', 'flush')}`)).pollUntilDone()) as { status: string; name: string };
    expect(plane.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(result.status).toBe('Succeeded');
    expect(plane.operation(result.name)?.status).toBe('Succeeded');
  });

  test('a failed operation surfaces its ARM error through the poller', async () => {
    failFlush = true;
    try {
      await expect((await poller(`${plane.url}${databasePath('cache1', 'flush')}`)).pollUntilDone()).rejects.toThrow('primary 127.0.0.1:1 did not answer');
    } finally {
      failFlush = false;
    }
  });

  test('over plain http the SDK refuses to send a bearer token (why the control plane offers TLS)', async () => {
    await expect(send(`${plainPlane.url}${databasePath('cache1', 'flush')}`, 'POST', {})).rejects.toThrow('Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.');
  });
});
