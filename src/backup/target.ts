/** Where `amr backup` goes: the running emulator in the state directory (its control plane and Azurite), else Azure. */
import * as path from 'path';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { isAlive } from '../emulator/processes';
import { useInternalPassword } from '../emulator/resp';
import { DEFAULT_STATE_DIR, readState, trackedPids, type EmulatorState } from '../emulator/state';
import { armClient, azureClients, emulatorClients, parseContainerUrl } from './clients';
import { BackupInputError } from './errors';
import type { ArmClient, ExportDependencies } from './export';
import { readSettings, SETTING, SettingsError, type ExportSettings } from './settings';
import { chooseExport, isReference, readStackExports, type StackExport } from './stack-exports';

export interface BackupTarget {
  readonly mode: 'emulator' | 'azure';
  readonly exported: StackExport;
  /** The export function's settings for this target (the same settings type the function reads). */
  readonly settings: ExportSettings;
  readonly arm: ArmClient;
  readonly container: ContainerClient;
  /** A read SAS URL for one blob (for the import API). */
  blobReadUrl(name: string): Promise<string>;
  /** Emulator only: the running emulator's state. */
  readonly emulator?: EmulatorState;
  /** The clients runExport uses. */
  exportClients(): Pick<ExportDependencies, 'arm' | 'storage'>;
}

export interface TargetOptions {
  readonly stack: string;
  readonly cache?: string;
  readonly stateDir?: string;
  readonly cacheId?: string;
  readonly containerUrl?: string;
  readonly cwd?: string;
  /** Azure only; @default new DefaultAzureCredential() */
  readonly credential?: TokenCredential;
}

const LOCAL_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** A running emulator in the state directory, or undefined. */
function runningEmulator(stateDir: string): EmulatorState | undefined {
  const state = readState(stateDir);
  return state && trackedPids(state).some(isAlive) ? state : undefined;
}

/** Resolves the target: the emulator in --state when one runs there, else Azure. */
export function resolveTarget(options: TargetOptions): BackupTarget {
  const cwd = options.cwd ?? process.cwd();
  const exported = chooseExport(readStackExports(options.stack, cwd), options.stack, options.cache);
  const stateDir = path.resolve(cwd, options.stateDir ?? DEFAULT_STATE_DIR);
  const state = runningEmulator(stateDir);
  if (!state && options.stateDir !== undefined) {
    throw new BackupInputError(`amr backup: no running emulator in '${options.stateDir}' (fix: 'amr emulate up <stack dir> --state ${options.stateDir}', or leave out --state to use Azure)`);
  }
  const copied = Object.fromEntries(
    Object.entries(exported.settings).filter(([name, value]) => name.startsWith('AMR_') && !isReference(value)),
  ) as Record<string, string>;
  if (state) return emulatorTarget(exported, state, copied);
  return azureTarget(exported, copied, options);
}

function emulatorTarget(exported: StackExport, state: EmulatorState, copied: Record<string, string>): BackupTarget {
  const cache = state.caches.find((c) => c.name.toLowerCase() === exported.cacheName.toLowerCase());
  if (!cache) throw new BackupInputError(`amr backup: the emulator in '${state.stateDir}' runs no cache '${exported.cacheName}' (it runs ${state.caches.map((c) => c.name).join(', ')}; fix: start it from the same stack)`);
  // The redis-servers require the emulator's internal password (the dataset digest reads them directly).
  useInternalPassword(state.internalPassword);
  const azurite = state.services?.azurite;
  const plane = state.services?.controlPlane;
  if (!azurite || !plane) throw new BackupInputError(`amr backup: the emulator in '${state.stateDir}' has no Azurite or control plane (fix: restart it with 'amr emulate up')`);
  const settings = settingsOrUsage({
    ...copied,
    [SETTING.cacheId]: `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/${exported.resourceGroupName ?? 'local'}/providers/Microsoft.Cache/redisEnterprise/${cache.name}`,
    [SETTING.containerUrl]: `${azurite.blobEndpoint}/${exported.containerName}`,
    [SETTING.prefix]: copied[SETTING.prefix] ?? cache.name,
    [SETTING.armEndpoint]: plane.url,
    [SETTING.credential]: 'emulator',
    [SETTING.emulatorArmToken]: plane.token,
    [SETTING.emulatorStorageAccount]: azurite.accountName,
    [SETTING.emulatorStorageKey]: azurite.accountKey,
  });
  const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  // Local storage: when Azurite is down, say so after one quick retry rather than after the SDK's minute of backoff.
  const container = new BlobServiceClient(azurite.blobEndpoint, key, { retryOptions: { maxTries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } }).getContainerClient(exported.containerName);
  return {
    mode: 'emulator',
    exported,
    settings,
    arm: armClient(async () => plane.token),
    container,
    emulator: state,
    exportClients: () => emulatorClients(settings),
    blobReadUrl: async (name) => {
      const sas = generateBlobSASQueryParameters(
        { containerName: exported.containerName, blobName: name, permissions: BlobSASPermissions.parse('r'), startsOn: new Date(Date.now() - 5 * 60000), expiresOn: new Date(Date.now() + 2 * 3600000), protocol: SASProtocol.HttpsAndHttp },
        key,
      ).toString();
      return `${container.getBlobClient(name).url}?${sas}`;
    },
  };
}

function azureTarget(exported: StackExport, copied: Record<string, string>, options: TargetOptions): BackupTarget {
  const cacheId = options.cacheId ?? copied[SETTING.cacheId];
  const containerUrl = options.containerUrl ?? copied[SETTING.containerUrl];
  const missing = [
    ...(cacheId ? [] : [`--cache-id (the ARM ID of '${exported.cacheName}', e.g. 'az redisenterprise show -n ${exported.cacheName} -g <rg> --query id -o tsv')`]),
    ...(containerUrl ? [] : [`--container-url (https://<account>.blob.core.windows.net/${exported.containerName}, e.g. from 'terraform output')`]),
  ];
  if (missing.length > 0) {
    throw new BackupInputError(`amr backup: no running emulator in '${options.stateDir ?? DEFAULT_STATE_DIR}', so this talks to Azure, where the stack's values are Terraform references known only after apply: pass ${missing.join(' and ')}`);
  }
  const settings = settingsOrUsage({ ...copied, [SETTING.cacheId]: cacheId!, [SETTING.containerUrl]: containerUrl!, [SETTING.credential]: 'managed-identity' });
  const credential = options.credential ?? new DefaultAzureCredential();
  const location = parseContainerUrl(settings.containerUrl);
  const service = new BlobServiceClient(location.accountUrl, credential);
  const container = service.getContainerClient(location.containerName);
  const scope = `${new URL(settings.armEndpoint).origin}/.default`;
  return {
    mode: 'azure',
    exported,
    settings,
    arm: armClient(async () => {
      const token = await credential.getToken(scope);
      if (!token) throw new Error(`no Azure token for ${scope} (fix: 'az login')`);
      return token.token;
    }),
    container,
    exportClients: () => azureClients(settings, credential),
    blobReadUrl: async (name) => {
      const startsOn = new Date(Date.now() - 15 * 60000);
      const expiresOn = new Date(Date.now() + 2 * 3600000);
      const key = await service.getUserDelegationKey(startsOn, expiresOn);
      const sas = generateBlobSASQueryParameters(
        { containerName: location.containerName, blobName: name, permissions: BlobSASPermissions.parse('r'), startsOn, expiresOn, protocol: SASProtocol.Https },
        key,
        location.accountName,
      ).toString();
      return `${container.getBlobClient(name).url}?${sas}`;
    },
  };
}

function settingsOrUsage(env: Record<string, string>): ExportSettings {
  try {
    return readSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) throw new BackupInputError(`amr backup: ${error.message}`);
    throw error;
  }
}
