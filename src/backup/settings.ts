/**
 * The export function's settings: app settings on Azure (written by the ScheduledExport construct), environment
 * variables locally. The same handler runs against Azure and against the local emulator; only the endpoint and
 * credential settings differ. No setting holds a secret: on Azure the function authenticates with its managed identity,
 * locally with the emulator's fixed, public development credentials.
 *
 * Runtime module: packaged into the function's zip, so it imports nothing but Node built-ins.
 */

/** App setting names (the construct writes them, the function reads them). */
export const SETTING = {
  /** ARM ID of the cache (`/subscriptions/.../Microsoft.Cache/redisEnterprise/<name>`). */
  cacheId: 'AMR_EXPORT_CACHE_ID',
  /** The database to export. @default 'default' */
  database: 'AMR_EXPORT_DATABASE',
  /** The private container the exports go to, without a SAS: `https://<account>.blob.core.windows.net/<container>`. */
  containerUrl: 'AMR_EXPORT_CONTAINER_URL',
  /** Every export goes under `<prefix>/<UTC timestamp>/`. @default - the cache's name */
  prefix: 'AMR_EXPORT_PREFIX',
  /** The timer's NCRONTAB schedule; the trigger reads it as `%AMR_EXPORT_SCHEDULE%`. */
  schedule: 'AMR_EXPORT_SCHEDULE',
  /** The longest gap between runs, in hours (for logs and the staleness alert). */
  intervalHours: 'AMR_EXPORT_INTERVAL_HOURS',
  /** Days the lifecycle policy keeps exports (informational: the policy deletes them). */
  retentionDays: 'AMR_EXPORT_RETENTION_DAYS',
  /** The declared RPO target, in hours (AMR-BAK-006), if any. */
  rpoHours: 'AMR_EXPORT_RPO_HOURS',
  /** @default 'https://management.azure.com' */
  armEndpoint: 'AMR_ARM_ENDPOINT',
  /** @default '2025-07-01' */
  apiVersion: 'AMR_EXPORT_API_VERSION',
  /** Give up on an export that has not finished after this many minutes. @default 90 */
  timeoutMinutes: 'AMR_EXPORT_TIMEOUT_MINUTES',
  /** `managed-identity` (DefaultAzureCredential) or `emulator` (the local emulator's credentials). @default 'managed-identity' */
  credential: 'AMR_EXPORT_CREDENTIAL',
  /** Emulator only: the bearer token its control plane expects. @default 'amr-local' */
  emulatorArmToken: 'AMR_EMULATOR_ARM_TOKEN',
  /** Emulator only: Azurite's account name. @default 'devstoreaccount1' */
  emulatorStorageAccount: 'AMR_EMULATOR_STORAGE_ACCOUNT',
  /** Emulator only: Azurite's account key. @default - Azurite's well-known development key (public, not a secret) */
  emulatorStorageKey: 'AMR_EMULATOR_STORAGE_KEY',
} as const;

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const EXPORT_API_VERSION = '2025-07-01';
export const DEFAULT_TIMEOUT_MINUTES = 90;
/** Azurite's well-known development account: documented by Microsoft for local development, not a secret. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export type CredentialMode = 'managed-identity' | 'emulator';

export interface ExportSettings {
  readonly cacheId: string;
  /** The cache's name (the last segment of cacheId). */
  readonly cacheName: string;
  readonly database: string;
  readonly containerUrl: string;
  /** The prefix root, without slashes at either end. */
  readonly prefix: string;
  readonly schedule?: string;
  readonly intervalHours?: number;
  readonly retentionDays?: number;
  readonly rpoHours?: number;
  readonly armEndpoint: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly credential: CredentialMode;
  readonly emulator?: { readonly armToken: string; readonly accountName: string; readonly accountKey: string };
}

/** A missing or malformed setting: the function fails before it calls anything. */
export class SettingsError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const CACHE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)$/i;

/** Reads and checks the settings; throws a SettingsError naming every problem. */
export function readSettings(env: Readonly<Record<string, string | undefined>>): ExportSettings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const number = (name: string): number | undefined => {
    const v = text(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      problems.push(`${name} must be a positive number, got '${v}'`);
      return undefined;
    }
    return n;
  };

  const cacheId = text(SETTING.cacheId)?.replace(/\/+$/, '');
  const cacheName = cacheId ? CACHE_ID.exec(cacheId)?.[1] : undefined;
  if (!cacheId) problems.push(`${SETTING.cacheId} is not set (the cache's ARM ID)`);
  else if (!cacheName) problems.push(`${SETTING.cacheId} '${cacheId}' is not a Microsoft.Cache/redisEnterprise ARM ID`);
  const containerUrl = text(SETTING.containerUrl)?.replace(/\/+$/, '');
  if (!containerUrl) problems.push(`${SETTING.containerUrl} is not set (the exports container's URL)`);
  else if (!/^https?:\/\//i.test(containerUrl) || containerUrl.includes('?')) problems.push(`${SETTING.containerUrl} must be an http(s) URL without a SAS, got '${containerUrl}'`);
  const credential = (text(SETTING.credential) ?? 'managed-identity').toLowerCase();
  if (credential !== 'managed-identity' && credential !== 'emulator') problems.push(`${SETTING.credential} must be 'managed-identity' or 'emulator', got '${credential}'`);
  const armEndpoint = (text(SETTING.armEndpoint) ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(armEndpoint)) problems.push(`${SETTING.armEndpoint} must be an http(s) URL, got '${armEndpoint}'`);
  if (credential === 'managed-identity' && containerUrl?.toLowerCase().startsWith('http:')) problems.push(`${SETTING.containerUrl} must use https outside the emulator`);
  const timeoutMinutes = number(SETTING.timeoutMinutes) ?? DEFAULT_TIMEOUT_MINUTES;
  const intervalHours = number(SETTING.intervalHours);
  const retentionDays = number(SETTING.retentionDays);
  const rpoHours = number(SETTING.rpoHours);
  if (problems.length > 0) throw new SettingsError(`the export function's settings are invalid: ${problems.join('; ')}`);

  const prefix = (text(SETTING.prefix) ?? cacheName!).replace(/^\/+|\/+$/g, '');
  return {
    cacheId: cacheId!,
    cacheName: cacheName!,
    database: text(SETTING.database) ?? 'default',
    containerUrl: containerUrl!,
    prefix,
    schedule: text(SETTING.schedule),
    intervalHours,
    retentionDays,
    rpoHours,
    armEndpoint,
    apiVersion: text(SETTING.apiVersion) ?? EXPORT_API_VERSION,
    timeoutMs: timeoutMinutes * 60 * 1000,
    credential: credential as CredentialMode,
    emulator:
      credential === 'emulator'
        ? {
            armToken: text(SETTING.emulatorArmToken) ?? 'amr-local',
            accountName: text(SETTING.emulatorStorageAccount) ?? AZURITE_ACCOUNT_NAME,
            accountKey: text(SETTING.emulatorStorageKey) ?? AZURITE_ACCOUNT_KEY,
          }
        : undefined,
  };
}
