/** The errors of the backup operations (src/backup/operations.ts); the CLI maps them to its exit codes. */

/** The operation ran and failed (exit 1), as opposed to a usage or input error (exit 2). */
export class BackupFailed extends Error {}

/** Bad input (a flag, a stack without a ScheduledExport, no emulator where one was named): exit 2, as a usage error. */
export class BackupInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
