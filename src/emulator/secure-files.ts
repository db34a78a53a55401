/**
 * Files that hold secrets (state.json with tokens and passwords, proxy and replicator configs, keys, password files)
 * are 0600 and the directories of the emulator's state 0700 (issue 10, "Locked down"): another local user can read
 * none of them. Modes are set explicitly (never left to the umask) and re-applied to files that already exist.
 */
import * as fs from 'fs';
import * as path from 'path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` (and missing parents) with mode 0700, and tightens it if it already existed. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes a 0600 file atomically (temp file + rename) in a 0700 directory. */
export function writeSecretFile(file: string, content: string): void {
  makePrivateDir(path.dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode: PRIVATE_FILE_MODE });
  fs.chmodSync(temp, PRIVATE_FILE_MODE);
  fs.renameSync(temp, file);
}
