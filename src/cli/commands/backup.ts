/** `amr backup run | list | restore`: parses the arguments and calls the backup operations (src/backup/operations.ts). */
import { BackupFailed, BackupInputError } from '../../backup/errors';
import { backupList, backupRestore, backupRun, RDB_VERSION_NOTE, renderList, renderRun, restoreRefusal, RESTORE_RULE_ID, type BackupIo } from '../../backup/operations';
import { chooseExport, readStackExports } from '../../backup/stack-exports';
import { resolveTarget } from '../../backup/target';
import { UsageError } from '../errors';

export interface BackupArgs {
  readonly positional: string[];
  flag(name: string): string | undefined;
  has(name: string): boolean;
}

export const BACKUP_HELP = `amr backup: run, list and restore the exports of a ScheduledExport

Usage:
  amr backup run     --stack DIR [--cache NAME] [--state DIR]
  amr backup list    --stack DIR [--cache NAME] [--state DIR] [--json]
  amr backup restore --stack DIR --from PREFIX [--to CACHE] --yes [--cache NAME] [--state DIR]
Azure only (values known after apply): [--cache-id ARM_ID] [--container-url URL]

With a running emulator in --state (default .amr/emulator) the commands use its control plane and Azurite;
otherwise Azure, with DefaultAzureCredential (az login, environment variables or a managed identity).
restore imports the export into the cache, which first DELETES ALL OF THE CACHE'S DATA (refused without --yes,
${RESTORE_RULE_ID}); it then verifies the blobs' sha256 and, when the manifest recorded them, the key count and dataset
digest (exit 1 when it does not verify). Note: ${RDB_VERSION_NOTE}.
Exit codes: 0 done, 1 the operation failed or did not verify, 2 usage or input error.
`;

export async function runBackup(args: BackupArgs, io: BackupIo): Promise<number> {
  try {
    return await backup(args, io);
  } catch (error) {
    // Bad input found by the operations is a usage error (exit 2), like the CLI's own.
    if (error instanceof BackupInputError) throw new UsageError(error.message);
    throw error;
  }
}

async function backup(args: BackupArgs, io: BackupIo): Promise<number> {
  const [verb] = args.positional;
  if (verb !== 'run' && verb !== 'list' && verb !== 'restore') {
    throw new UsageError(`amr backup: unknown action '${verb ?? ''}' (fix: one of run, list, restore; see 'amr backup --help')`);
  }
  const stack = args.flag('--stack');
  if (!stack) throw new UsageError(`amr backup ${verb}: name the synthesized stack with --stack (e.g. --stack cdktf.out/stacks/production)`);
  const from = args.flag('--from');
  if (verb === 'restore') {
    if (!from) throw new UsageError(`amr backup restore: name the export with --from PREFIX (e.g. --from orders-cache/2025-01-02T030405Z/; see 'amr backup list')`);
    // Refuse before contacting anything: the cache's data is at stake.
    if (!args.has('--yes')) throw restoreRefusal(args.flag('--to') ?? chooseExport(readStackExports(stack, io.cwd), stack, args.flag('--cache')).cacheName, from);
  }
  const target = resolveTarget({
    stack,
    cache: args.flag('--cache'),
    stateDir: args.flag('--state'),
    cacheId: args.flag('--cache-id'),
    containerUrl: args.flag('--container-url'),
    cwd: io.cwd,
  });
  try {
    switch (verb) {
      case 'run':
        io.stdout(renderRun(await backupRun(target, io)));
        return 0;
      case 'list': {
        const listed = await backupList(target);
        io.stdout(args.has('--json') ? `${JSON.stringify({ cache: target.settings.cacheName, mode: target.mode, exports: listed }, null, 2)}\n` : renderList(target, listed));
        return 0;
      }
      default: {
        io.stderr(`note: ${RDB_VERSION_NOTE}\n`);
        const result = await backupRestore(target, { from: from!, to: args.flag('--to'), onProgress: (line) => io.stderr(`${line}\n`) });
        io.stdout(`restored ${result.prefix} into ${result.cache}\n${result.lines.map((l) => `  ${l}`).join('\n')}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof BackupFailed) {
      io.stderr(`${error.message.split('\n')[0]}\n`);
      return 1;
    }
    throw error;
  }
}
