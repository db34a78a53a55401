/**
 * The real clients of the export: ARM over HTTPS with a bearer token, and the exports container through
 * `@azure/storage-blob`.
 * - On Azure (`managed-identity`): `DefaultAzureCredential` (the function's system-assigned identity), a user-delegation
 *   key for the SAS (Storage Blob Delegator) and data-plane calls with the identity (Storage Blob Data Contributor).
 * - Locally (`emulator`): the emulator control plane's bearer token and Azurite's public development account, which
 *   signs a service SAS of the same shape (Azurite accepts bearer tokens only over HTTPS, so it cannot issue
 *   delegation keys to an HTTP client).
 *
 * Runtime module: packaged into the function's zip; imports only Node built-ins, the Azure SDK and sibling modules.
 */
import { createHash } from 'crypto';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import type { ArmClient, ArmRequest, ArmResponse, BlobInfo, ExportDependencies, ExportStorage, ExportTelemetry, SasWindow } from './export';
import { FAILURE_MARKER, SUCCESS_MARKER, telemetryLine } from './export';
import type { ExportSettings } from './settings';

/** A container URL taken apart: path-style (`http://127.0.0.1:10000/<account>/<container>`) for IPs and localhost. */
export interface ContainerLocation {
  readonly accountUrl: string;
  readonly accountName: string;
  readonly containerName: string;
}

export function parseContainerUrl(containerUrl: string): ContainerLocation {
  const url = new URL(containerUrl);
  const segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const pathStyle = /^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])$/i.test(url.hostname) || url.hostname === 'host.docker.internal';
  if (pathStyle) {
    if (segments.length !== 2) throw new Error(`container URL '${containerUrl}' must be <endpoint>/<account>/<container>`);
    return { accountUrl: `${url.origin}/${encodeURIComponent(segments[0])}`, accountName: segments[0], containerName: segments[1] };
  }
  if (segments.length !== 1) throw new Error(`container URL '${containerUrl}' must be https://<account>.blob.<suffix>/<container>`);
  return { accountUrl: url.origin, accountName: url.hostname.split('.')[0], containerName: segments[0] };
}

/** ARM over `fetch`, with a fresh token per request (the credential caches it). */
export function armClient(getToken: () => Promise<string>): ArmClient {
  return {
    async send(request: ArmRequest): Promise<ArmResponse> {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          Authorization: `Bearer ${await getToken()}`,
          ...(request.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key.toLowerCase()] = value;
      });
      return { status: response.status, headers, body };
    },
  };
}

/** Streams a blob and returns its sha256 (hex) and size. */
export async function blobSha256(container: ContainerClient, name: string): Promise<{ sha256: string; size: number }> {
  const download = await container.getBlobClient(name).download();
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of download.readableStreamBody as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** The exports container; `sign` makes the SAS query of a window. */
export function containerStorage(container: ContainerClient, sign: (window: SasWindow) => Promise<string>): ExportStorage {
  return {
    async exportSasUrl(directory: string, window: SasWindow): Promise<string> {
      const path = directory.split('/').map(encodeURIComponent).join('/');
      return `${container.url.replace(/\/+$/, '')}/${path}?${await sign(window)}`;
    },
    async list(prefix: string): Promise<BlobInfo[]> {
      const blobs: BlobInfo[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) blobs.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
      return blobs;
    },
    digest: (name: string) => blobSha256(container, name),
    async create(name: string, content: string, contentType: string): Promise<void> {
      const data = Buffer.from(content, 'utf8');
      await container.getBlockBlobClient(name).upload(data, data.length, {
        blobHTTPHeaders: { blobContentType: contentType },
        conditions: { ifNoneMatch: '*' },
      });
    },
  };
}

/** The container SAS permissions of the export API. */
function permissions(window: SasWindow): ContainerSASPermissions {
  return ContainerSASPermissions.parse(window.permissions);
}

/** Clients for Azure: managed identity, user-delegation SAS. */
export function azureClients(settings: ExportSettings, credential: TokenCredential = new DefaultAzureCredential()): Pick<ExportDependencies, 'arm' | 'storage'> {
  const location = parseContainerUrl(settings.containerUrl);
  const service = new BlobServiceClient(location.accountUrl, credential);
  const container = service.getContainerClient(location.containerName);
  const scope = `${new URL(settings.armEndpoint).origin}/.default`;
  return {
    arm: armClient(async () => {
      const token = await credential.getToken(scope);
      if (!token) throw new Error(`no token for ${scope}`);
      return token.token;
    }),
    storage: containerStorage(container, async (window) => {
      const key = await service.getUserDelegationKey(window.startsOn, window.expiresOn);
      return generateBlobSASQueryParameters(
        { containerName: location.containerName, permissions: permissions(window), startsOn: window.startsOn, expiresOn: window.expiresOn, protocol: SASProtocol.Https },
        key,
        location.accountName,
      ).toString();
    }),
  };
}

/** Clients for the local emulator: its control plane's token, Azurite's development account. */
export function emulatorClients(settings: ExportSettings): Pick<ExportDependencies, 'arm' | 'storage'> {
  const emulator = settings.emulator;
  if (!emulator) throw new Error("emulator clients need the emulator settings (AMR_EXPORT_CREDENTIAL='emulator')");
  const location = parseContainerUrl(settings.containerUrl);
  const key = new StorageSharedKeyCredential(emulator.accountName, emulator.accountKey);
  const container = new BlobServiceClient(location.accountUrl, key).getContainerClient(location.containerName);
  return {
    arm: armClient(async () => emulator.armToken),
    storage: containerStorage(container, async (window) =>
      generateBlobSASQueryParameters(
        { containerName: location.containerName, permissions: permissions(window), startsOn: window.startsOn, expiresOn: window.expiresOn, protocol: SASProtocol.HttpsAndHttp },
        key,
      ).toString(),
    ),
  };
}

/** The clients the settings ask for. */
export function clientsFor(settings: ExportSettings): Pick<ExportDependencies, 'arm' | 'storage'> {
  return settings.credential === 'emulator' ? emulatorClients(settings) : azureClients(settings);
}

/** Telemetry as log lines (Application Insights `traces` on Azure): the staleness alert counts the success lines. */
export function logTelemetry(log: { info(line: string): void; error(line: string): void }): ExportTelemetry {
  return {
    succeeded: (event) => log.info(telemetryLine(SUCCESS_MARKER, event)),
    failed: (event) => log.error(telemetryLine(FAILURE_MARKER, event)),
  };
}
