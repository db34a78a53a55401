/** SAS URLs minted with the Azurite account key, and a small ARM client for the local control plane. */
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import * as http from 'http';
import type { Azurite } from '../../src/emulator/azurite';

export const MINUTE = 60_000;

export interface SasOptions {
  readonly permissions?: string;
  readonly startsOn?: Date | null;
  readonly expiresOn?: Date;
}

/** A container SAS URL (optionally with a directory path after the container), good for export by default. */
export function containerSasUrl(azurite: Azurite, container: string, directory = '', options: SasOptions = {}): string {
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse(options.permissions ?? 'racwdtm'),
      startsOn: options.startsOn === null ? undefined : (options.startsOn ?? new Date(Date.now() - 20 * MINUTE)),
      expiresOn: options.expiresOn ?? new Date(Date.now() + 2 * 60 * MINUTE),
    },
    credential,
  ).toString();
  return `${azurite.blobEndpoint}/${container}${directory ? `/${directory}` : ''}?${sas}`;
}

/** A read SAS URL for one blob (for import). */
export function blobSasUrl(azurite: Azurite, container: string, blob: string, options: SasOptions = {}): string {
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName: blob,
      permissions: BlobSASPermissions.parse(options.permissions ?? 'r'),
      startsOn: options.startsOn === null ? undefined : (options.startsOn ?? new Date(Date.now() - 5 * MINUTE)),
      expiresOn: options.expiresOn ?? new Date(Date.now() + 60 * MINUTE),
    },
    credential,
  ).toString();
  return `${azurite.blobEndpoint}/${container}/${blob}?${sas}`;
}

export function blobService(azurite: Azurite): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azurite.connectionString);
}

export async function listBlobs(azurite: Azurite, container: string, prefix?: string): Promise<Array<{ name: string; size: number }>> {
  const names: Array<{ name: string; size: number }> = [];
  for await (const blob of blobService(azurite).getContainerClient(container).listBlobsFlat({ prefix })) names.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
  return names;
}

export interface ArmResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: any;
}

/** One request to the control plane (a fresh connection each time, so nothing stays open). */
export function arm(baseUrl: string, method: string, path: string, options: { token?: string | null; body?: unknown; rawBody?: string } = {}): Promise<ArmResponse> {
  const url = new URL(path, baseUrl);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent: false,
        headers: {
          ...(options.token === null ? {} : { Authorization: `Bearer ${options.token ?? 'test-token'}` }),
          ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: raw ? JSON.parse(raw) : undefined });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Polls the Azure-AsyncOperation URL of a 202 until the operation is no longer InProgress. */
export async function waitForOperation(response: ArmResponse, token?: string, timeoutMs = 60_000): Promise<any> {
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status}: ${JSON.stringify(response.body)}`);
  const statusUrl = String(response.headers['azure-asyncoperation']);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const poll = await arm(statusUrl, 'GET', statusUrl, { token });
    if (poll.status !== 200) throw new Error(`operation status answered ${poll.status}: ${JSON.stringify(poll.body)}`);
    if (poll.body.status !== 'InProgress') return poll.body;
    if (Date.now() > deadline) throw new Error(`operation ${poll.body.name} still InProgress after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function databasePath(cluster: string, action: string, apiVersion = '2025-07-01'): string {
  return `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-local/providers/Microsoft.Cache/redisEnterprise/${cluster}/databases/default/${action}?api-version=${apiVersion}`;
}
