/**
 * The scheduled-export Azure Function (Node 20, `@azure/functions` v4 programming model): a timer trigger on the
 * NCRONTAB schedule in the app setting `AMR_EXPORT_SCHEDULE`, which runs one export (see ../export.ts). A failed export
 * throws, so the run counts as failed and the retry policy runs it again (each retry under a new prefix).
 *
 * This is the `main` of the package the ScheduledExport construct zips; it imports only Node built-ins, the three
 * Azure packages of the zip's package.json, and its sibling modules.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { clientsFor, logTelemetry } from '../clients';
import { FAILURE_MARKER, runExport, type ExportDependencies, type ExportManifest } from '../export';
import { readSettings } from '../settings';

/** The function's name in the app. */
export const FUNCTION_NAME = 'scheduledExport';

/** The handler, with its dependencies injectable for tests. */
export async function scheduledExport(
  _timer: Timer,
  context: InvocationContext,
  env: Readonly<Record<string, string | undefined>> = process.env,
  clients: (settings: ReturnType<typeof readSettings>) => Pick<ExportDependencies, 'arm' | 'storage'> = clientsFor,
): Promise<ExportManifest> {
  const telemetry = logTelemetry({ info: (line) => context.log(line), error: (line) => context.error(line) });
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(env);
  } catch (error) {
    context.error(`${FAILURE_MARKER} ${JSON.stringify({ reason: 'settings', message: (error as Error).message, failedAt: new Date().toISOString() })}`);
    throw error;
  }
  const retry = context.retryContext ? ` (retry ${context.retryContext.retryCount} of ${context.retryContext.maxRetryCount})` : '';
  context.log(`exporting ${settings.cacheName}/${settings.database} to ${settings.containerUrl}/${settings.prefix}/${retry}`);
  return runExport(settings, { ...clients(settings), telemetry });
}

app.timer(FUNCTION_NAME, {
  schedule: '%AMR_EXPORT_SCHEDULE%',
  handler: async (timer, context) => {
    await scheduledExport(timer, context);
  },
  // A failed run is retried with backoff; every attempt exports under its own new prefix.
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 3, minimumInterval: 5 * 60 * 1000, maximumInterval: 30 * 60 * 1000 },
});
