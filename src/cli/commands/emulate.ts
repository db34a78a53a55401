/** `amr emulate up | status | fail | recover | down` (emulator.md "Command line"). */
import { down, EmulatorError, fail, recover, status, up, type EmulatorStatus, type FaultKind } from '../../emulator/emulator';
import { UsageError } from '../errors';

export interface EmulateIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function renderStatus(s: EmulatorStatus): string {
  const lines = [`emulator in ${s.stateDir}: ${s.running ? 'running' : 'stopped'}, ${s.profile} failover, supervisor ${s.supervisor.alive ? `pid ${s.supervisor.pid}` : 'not running'}`];
  if (s.services.controlPlane) lines.push(`  control plane ${s.services.controlPlane} (Authorization: Bearer ${s.services.controlPlaneToken}); blob storage ${s.services.blobEndpoint}`);
  for (const c of s.caches) {
    const secret = c.passwordFile ? `password in ${c.passwordFile}` : c.tokenFile ? `local Entra token in ${c.tokenFile}` : 'no password';
    if (c.endpoint) lines.push(`  ${c.name}: endpoint ${c.endpoint}${c.endpointAlive ? '' : ' (down)'}${c.tls ? `, TLS (CA ${c.caFile})` : ', plaintext'}; ${secret}`);
    lines.push(`  ${c.name} (${c.region}, ${c.clusteringPolicy}): ${c.health}; node endpoints ${c.endpoints.filter((e) => e !== c.endpoint).join(', ') || 'none'}`);
    for (const n of c.nodes) {
      const shards = n.shards.map((r) => `shard ${r.shard} ${r.role} :${r.port}`).join(', ');
      const restarts = n.proxy.restarts > 0 ? ` (restarted by the supervisor ${n.proxy.restarts}x, last at ${n.proxy.restartedAt})` : '';
      lines.push(`    node ${n.id} zone ${n.zone} [${n.status}] proxy :${n.proxy.port}${n.proxy.alive ? '' : ' (down)'}${restarts}: ${shards}`);
    }
    for (const gap of c.notEmulated) lines.push(`    not emulated: ${gap}`);
  }
  for (const g of s.geo) {
    lines.push(`  geo-replication group ${g.name} (extra lag ${g.lagMs} ms${g.behindMs !== null ? `, oldest unshipped change ${g.behindMs} ms` : ''}):`);
    for (const m of g.members) {
      const received = m.report?.received.p50Ms != null ? `, replication delay p50 ${m.report.received.p50Ms} ms` : '';
      const peers = m.report ? m.report.peers.map((p) => `${p.cache}${p.reachable ? '' : ' (unreachable)'}${p.pendingKeys ? ` ${p.pendingKeys} pending` : ''}`).join(', ') : '';
      lines.push(`    ${m.cache} (${m.region}): ${m.linked ? 'linked' : 'unlinked'}, replicator :${m.replicator.port} ${m.replicator.alive ? 'up' : 'down'}${peers ? `; peers ${peers}` : ''}${received}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function faultArgs(positional: string[], verb: string): { kind: FaultKind; target: string } {
  const [kind, target] = positional;
  if (kind !== 'node' && kind !== 'zone' && kind !== 'region') throw new UsageError(`amr emulate ${verb}: say node, zone or region (e.g. 'amr emulate ${verb} zone 1')`);
  if (!target) throw new UsageError(`amr emulate ${verb} ${kind}: name the ${kind} (e.g. ${kind === 'zone' ? '1' : kind === 'node' ? 'orders-cache/n1' : 'orders-cache'})`);
  return { kind, target };
}

export async function runEmulate(args: { positional: string[]; flag: (name: string) => string | undefined; has: (name: string) => boolean }, io: EmulateIo): Promise<number> {
  const [verb, ...rest] = args.positional;
  const stateDir = args.flag('--state');
  try {
    switch (verb) {
      case 'up': {
        if (!rest[0]) throw new UsageError(`amr emulate up: name a stack output directory or amr.topology.json (e.g. cdktf.out/stacks/production)`);
        const shards = args.flag('--shards') !== undefined ? Number(args.flag('--shards')) : undefined;
        if (shards !== undefined && (!Number.isInteger(shards) || shards < 1 || shards > 16)) throw new UsageError(`amr emulate up: --shards must be a whole number from 1 to 16`);
        const geoLagMs = args.flag('--geo-lag-ms') !== undefined ? Number(args.flag('--geo-lag-ms')) : undefined;
        if (geoLagMs !== undefined && (!Number.isInteger(geoLagMs) || geoLagMs < 0 || geoLagMs > 60000)) throw new UsageError(`amr emulate up: --geo-lag-ms must be a whole number of milliseconds from 0 to 60000`);
        const basePort = args.flag('--base-port') !== undefined ? Number(args.flag('--base-port')) : undefined;
        if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65535)) throw new UsageError(`amr emulate up: --base-port must be a whole number from 1024 to 65535 (the first cache's endpoint port)`);
        const zones = args.flag('--zones') !== undefined ? Number(args.flag('--zones')) : undefined;
        if (zones !== undefined && (!Number.isInteger(zones) || zones < 1 || zones > 3)) throw new UsageError(`amr emulate up: --zones must be 1, 2 or 3 (fewer than 3 runs zone-redundant caches in one zone: redundancyMode LR)`);
        const state = await up({ source: rest[0], stateDir, basePort, profile: args.has('--realistic') ? 'realistic' : 'fast', shards, zones, geoLagMs, onProgress: (m) => io.stderr(`${m}\n`) });
        io.stdout(renderStatus(await status(state.stateDir)));
        return 0;
      }
      case 'status': {
        const s = await status(stateDir);
        io.stdout(args.has('--json') ? `${JSON.stringify(s, null, 2)}\n` : renderStatus(s));
        return 0;
      }
      case 'fail': {
        const affected = await fail({ ...faultArgs(rest, 'fail'), freeze: args.has('--freeze') }, stateDir);
        io.stdout(`${args.has('--freeze') ? 'froze' : 'killed'}: ${affected.join(', ') || 'nothing (already down)'}\n`);
        return 0;
      }
      case 'recover': {
        const recovered = await recover(faultArgs(rest, 'recover'), stateDir);
        io.stdout(`recovered: ${recovered.join(', ') || 'nothing (already up)'}\n`);
        return 0;
      }
      case 'down': {
        const stopped = await down({ stateDir, purge: args.has('--purge') });
        io.stdout(`stopped ${stopped} process(es)\n`);
        return 0;
      }
      default:
        throw new UsageError(`amr emulate: unknown action '${verb ?? ''}' (fix: one of up, status, fail, recover, down; see 'amr --help')`);
    }
  } catch (error) {
    if (error instanceof EmulatorError) throw new UsageError(error.message);
    if (error instanceof Error && /redis-server not found/.test(error.message)) throw new UsageError(`amr emulate: ${error.message}`);
    throw error;
  }
}
