/** `amr drill zone|region --cache NAME`: a failure under a write load, measured (emulator.md "Command line"). */
import { drill, renderDrill } from '../../emulator/drill';
import { EmulatorError } from '../../emulator/emulator';
import { UsageError } from '../errors';

export async function runDrill(
  args: { positional: string[]; flag: (name: string) => string | undefined; has: (name: string) => boolean },
  io: { stdout: (t: string) => void; stderr: (t: string) => void },
): Promise<number> {
  const [kind] = args.positional;
  if (kind !== 'zone' && kind !== 'region') throw new UsageError(`amr drill: say zone or region (e.g. 'amr drill zone --cache orders-cache-prod')`);
  const cache = args.flag('--cache');
  if (!cache) throw new UsageError(`amr drill ${kind}: name the cache with --cache (see 'amr emulate status')`);
  const rate = args.flag('--writes-per-second');
  const writesPerSecond = rate === undefined ? undefined : Number(rate);
  if (writesPerSecond !== undefined && (!Number.isFinite(writesPerSecond) || writesPerSecond <= 0 || writesPerSecond > 5000)) throw new UsageError(`amr drill: --writes-per-second must be between 1 and 5000`);
  const faultSeconds = args.flag('--fault-seconds');
  try {
    const report = await drill({
      kind,
      cache,
      zone: args.flag('--zone'),
      writesPerSecond,
      waitForReplica: args.has('--wait-replica'),
      faultMs: faultSeconds === undefined ? undefined : Number(faultSeconds) * 1000,
      stateDir: args.flag('--state'),
      onProgress: (m) => io.stderr(`${m}\n`),
    });
    io.stdout(args.has('--json') ? `${JSON.stringify(report, null, 2)}\n` : renderDrill(report));
    return 0;
  } catch (error) {
    if (error instanceof EmulatorError) throw new UsageError(error.message);
    throw error;
  }
}
