/**
 * The local target: `cdktf deploy <stack>-local` brings a stack's caches up on this machine in the emulator, and
 * `cdktf destroy <stack>-local` stops them.
 *
 * `new LocalTargetStack(app, 'production-local', { stack: production })` adds a sibling stack made only of Terraform's
 * built-in `terraform_data` resources (no provider to download, so `terraform init` works offline). Each standalone
 * cache, and each geo-replication group as a whole (its members are linked, so they come up together), is one resource
 * whose local-exec provisioners run this package's `amr`: `amr emulate up` at create, `amr emulate down --purge` at
 * destroy. Its `triggers_replace` holds a hash of that part of the topology, its endpoint port and its state directory:
 * a second deploy with no change is a no-op, and a change to a cache re-creates that cache (and only it). One more
 * resource stops the caches removed from the source stack (see stopRemovedUnits).
 *
 * The stack's outputs give each cache's endpoint and the paths of its CA and secret files, never the secrets: the
 * password (or the token that stands in for Entra ID) is made by `amr emulate up` when the resource is applied, so it
 * is not known at synth, and an output would copy it into the Terraform state file and the deploy log in plain text.
 * The files stay 0600 inside the cache's state directory.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Construct } from 'constructs';
import type { TopologyCache, TopologyManifest } from '../topology/manifest';
import { topologyOf } from './checks';
import { AmrSynthError, localTargetProblem } from './errors';
import { addCustomSynthesis, DataResource, TerraformOutput, TerraformStack, Token, type ISynthesisSession } from './platform';

/**
 * The package's `amr` command where this module is installed (`src/constructs` in this repository, `lib/constructs`
 * in the package, both two levels below `bin/amr.js`). Resolved at synth, so the provisioners run the very copy the
 * app synthesized with, whatever the PATH or the package manager's `.bin` layout; the command is not part of
 * `triggers_replace`, so moving or reinstalling the package does not re-create the caches.
 */
export const AMR_BIN = path.resolve(__dirname, '..', '..', 'bin', 'amr.js');

/** Endpoint ports derived from a state directory: a hash into [20000, 31000) in steps of 32 (the emulator's scheme). */
const DERIVED_PORTS = { from: 20000, to: 31000, step: 32 } as const;

/** The first endpoint port for a state directory, when none is declared: the same directory always gets the same one. */
export function derivedBasePort(stateDirectory: string): number {
  const slots = Math.floor((DERIVED_PORTS.to - DERIVED_PORTS.from) / DERIVED_PORTS.step);
  const hash = createHash('sha256').update(path.resolve(stateDirectory)).digest().readUInt32BE(0);
  return DERIVED_PORTS.from + (hash % slots) * DERIVED_PORTS.step;
}

export interface LocalTargetStackProps {
  /** The stack whose caches and geo-replication groups the local target brings up. Create the local target after every cache of it. */
  readonly stack: TerraformStack;
  /**
   * Endpoint port of the first cache; the i-th cache of the stack (in the order of its `amr.topology.json`) listens on
   * `127.0.0.1:<basePort + i>`, so every endpoint is known at synth and stays the same across deploys.
   * @default - derived from the absolute path of stateDirectory: a hash into [20000, 31000) in steps of 32
   */
  readonly basePort?: number;
  /**
   * Directory that holds one emulator state directory per cache or geo-replication group (processes, data, the local CA
   * and the 0600 secret files), relative to the directory `cdktf` runs the app in.
   * @default '.amr/<this stack's id>'
   */
  readonly stateDirectory?: string;
}

/** One cache as the local target runs it. */
export interface LocalTargetCache {
  /** The cache's name (the last part of its Terraform address when its name is not known at synth). */
  readonly name: string;
  /** The `terraform_data` resource that brings it up (one for all members of a geo-replication group). */
  readonly resource: DataResource;
  /** `127.0.0.1:<port>`: the cache's one endpoint, as `<name>.<region>.redis.azure.net:10000` in Azure. */
  readonly endpoint: string;
  readonly port: number;
  /** Whether the endpoint speaks TLS (the cache's client protocol is not Plaintext). */
  readonly tls: boolean;
  /** The emulator state directory (absolute) that `amr emulate status|fail|recover --state` and `amr backup --state` take. */
  readonly stateDirectory: string;
  /** The local CA certificate (PEM) to trust for the TLS endpoint; undefined when the endpoint is plaintext. */
  readonly caFile?: string;
  /** The 0600 file holding the access key, when access keys are enabled. */
  readonly passwordFile?: string;
  /** The 0600 file holding the local token that stands in for Microsoft Entra ID, when access keys are disabled. */
  readonly tokenFile?: string;
}

/** What one `terraform_data` resource brings up: a standalone cache, or every member of a geo-replication group. */
interface Unit {
  readonly id: string;
  readonly manifest: TopologyManifest;
  readonly basePort: number;
  readonly stateDirectory: string;
}

/**
 * A sibling stack that brings another stack's caches up in the local emulator on `cdktf deploy` and stops them on
 * `cdktf destroy`; see this module's comment.
 */
export class LocalTargetStack extends TerraformStack {
  /** The stack whose caches this one emulates. */
  public readonly source: TerraformStack;
  /** Absolute directory holding one state directory per cache or geo-replication group. */
  public readonly stateDirectory: string;
  /** Endpoint port of the first cache. */
  public readonly basePort: number;
  /** Every cache, in the order of the source stack's `amr.topology.json`. */
  public readonly caches: readonly LocalTargetCache[];
  private readonly units: readonly Unit[];
  private readonly topologyHash: string;

  public constructor(scope: Construct, id: string, props: LocalTargetStackProps) {
    super(scope, id);
    this.source = props.stack;
    this.stateDirectory = path.resolve(props.stateDirectory ?? path.join('.amr', id));
    const topology = props.stack instanceof LocalTargetStack ? undefined : topologyOf(props.stack);
    const caches = topology?.caches ?? [];
    this.basePort = props.basePort ?? derivedBasePort(this.stateDirectory);
    const problems = validate(props, this.basePort, caches.map(cacheName));
    if (problems.length > 0) throw new AmrSynthError(problems.map((p) => `[${this.node.path}] ${p}`).join('\n'));

    this.topologyHash = hashOf(topology!);
    this.units = planUnits(topology!, this.basePort, this.stateDirectory);
    const members: LocalTargetCache[] = [];
    for (const unit of this.units) {
      const resource = this.bringUp(unit);
      unit.manifest.caches.forEach((cache, i) => members.push(localCache(cache, resource, unit, i)));
    }
    this.caches = caches.map((c) => members.find((m) => m.name === cacheName(c))!);
    for (const cache of this.caches) this.output(cache);
    this.stopRemovedUnits();

    this.node.addValidation({ validate: () => this.sourceUnchanged() });
    addCustomSynthesis(this, { onSynthesize: (session: ISynthesisSession) => this.writeManifests(session) });
  }

  /** The unit's `terraform_data`: `amr emulate up` when created, `amr emulate down --purge` when destroyed. */
  private bringUp(unit: Unit): DataResource {
    // `interpreter` runs node and amr without a shell (no quoting of paths); Terraform appends `command`, the state dir.
    const amr = (...args: string[]) => [process.execPath, AMR_BIN, 'emulate', ...args];
    const resource = new DataResource(this, `${unit.id}-emulated`, {
      triggersReplace: { topology: hashOf(unit.manifest, 'emulated'), base_port: unit.basePort, state_dir: unit.stateDirectory },
      provisioners: [
        { type: 'local-exec', interpreter: amr('up', manifestFileName(unit), '--base-port', String(unit.basePort), '--state'), command: unit.stateDirectory },
        // A destroy-time provisioner may refer only to `self`: the directory the resource was created with.
        { type: 'local-exec', when: 'destroy', interpreter: amr('down', '--purge', '--state'), command: '${self.triggers_replace.state_dir}' },
      ],
    });
    // `terraform_data.<cache or geo-group>`; the construct ids of the outputs are the caches' names.
    resource.overrideLogicalId(unit.id);
    return resource;
  }

  /**
   * Terraform runs no destroy-time provisioner of a resource removed from the configuration, so a cache removed from
   * the source stack would keep running. This resource lists every unit's state directory; when the list changes it is
   * replaced, and its destroy-time provisioner, which sees the old list (`self`) and this synth's list (a literal),
   * stops the units that are gone. On `cdktf destroy` every unit is still listed, so it stops nothing itself.
   */
  private stopRemovedUnits(): void {
    const current = this.units.map((u) => u.stateDirectory);
    // `node -e` with the old list as its one argument: no shell, so no quoting of paths.
    const script = [
      `const current = new Set(${JSON.stringify(current)});`,
      `for (const dir of JSON.parse(process.argv[1])) if (!current.has(dir))`,
      `  require('child_process').execFileSync(${JSON.stringify(process.execPath)}, [${JSON.stringify(AMR_BIN)}, 'emulate', 'down', '--purge', '--state', dir], { stdio: 'inherit' });`,
    ].join('\n');
    new DataResource(this, 'removed_caches', {
      triggersReplace: { state_dirs: current },
      provisioners: [{ type: 'local-exec', when: 'destroy', interpreter: [process.execPath, '-e', script], command: '${jsonencode(self.triggers_replace.state_dirs)}' }],
    });
  }

  private output(cache: LocalTargetCache): void {
    const id = /^[A-Za-z_]/.test(cache.name) ? cache.name.replace(/[^A-Za-z0-9_-]/g, '_') : `cache_${cache.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    new TerraformOutput(this, id, {
      staticId: true,
      description: `Cache '${cache.name}' in the local emulator: its endpoint, and the paths of its CA and its 0600 password or token file`,
      // Every cache's output has the same attributes; the ones that do not apply are null. Known at synth, so no
      // depends_on (cdktf 0.21 writes an output's depends_on as "${...}", which Terraform rejects there).
      value: {
        endpoint: cache.endpoint,
        tls: cache.tls,
        ca_file: cache.caFile ?? Token.nullValue(),
        password_file: cache.passwordFile ?? Token.nullValue(),
        token_file: cache.tokenFile ?? Token.nullValue(),
        state_dir: cache.stateDirectory,
      },
    });
  }

  /** The resources and manifests were made from the source stack as it was when this stack was created; it must not change after. */
  private sourceUnchanged(): string[] {
    const now = topologyOf(this.source);
    if (hashOf(now) === this.topologyHash) return [];
    return [localTargetProblem.cachesChanged(this.source.node.id, this.caches.map((c) => c.name), now.caches.map(cacheName))];
  }

  /** Each unit's manifest beside cdk.tf.json, where `amr emulate up` (run in that directory by Terraform) reads it. */
  private writeManifests(session: ISynthesisSession): void {
    const directory = path.join(session.outdir, session.manifest.forStack(this).workingDirectory);
    fs.mkdirSync(directory, { recursive: true });
    for (const unit of this.units) fs.writeFileSync(path.join(directory, manifestFileName(unit)), `${JSON.stringify(unit.manifest, null, 2)}\n`);
  }
}

function validate(props: LocalTargetStackProps, basePort: number, names: readonly string[]): string[] {
  if (props.stack instanceof LocalTargetStack) return [localTargetProblem.localTargetOfLocalTarget(props.stack.node.id)];
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  const conditions: Array<[boolean, () => string]> = [
    [names.length === 0, () => localTargetProblem.noCaches(props.stack.node.id)],
    [!Number.isInteger(basePort) || basePort < 1024 || basePort + Math.max(names.length, 1) - 1 > 65535, () => localTargetProblem.basePort(basePort, Math.max(names.length, 1))],
    [duplicates.length > 0, () => localTargetProblem.duplicateCacheNames(duplicates)],
    [!fs.existsSync(AMR_BIN), () => localTargetProblem.amrMissing(AMR_BIN)],
  ];
  return conditions.filter(([failed]) => failed).map(([, message]) => message());
}

/** The name the emulator gives a cache (its `name`, else the last part of its address). */
function cacheName(cache: TopologyCache): string {
  return cache.name ?? cache.address.split('.').pop()!;
}

/**
 * What a cache's manifest entry says that the emulator does not run: it describes the cache (its checks, its place in
 * the construct tree, its backups and network) without shaping the processes, so a change to it alone re-creates
 * nothing locally (adding a ScheduledExport must not wipe the local cache). Any other field, including fields added
 * to the manifest later, is part of the hash.
 */
const NOT_EMULATED_FIELDS = ['constructPath', 'profile', 'zoneSupport', 'reliability', 'unknown', 'scheduledExport', 'privateEndpoint', 'publicNetworkAccess'] as const;

/** A hash of a manifest (the generator's version is left out: an upgrade alone re-creates nothing). */
function hashOf(manifest: TopologyManifest, fields: 'all' | 'emulated' = 'all'): string {
  const { generator: _generator, ...topology } = manifest;
  const caches = fields === 'all' ? topology.caches : topology.caches.map((c) => Object.fromEntries(Object.entries(c).filter(([key]) => !(NOT_EMULATED_FIELDS as readonly string[]).includes(key))));
  return createHash('sha256').update(JSON.stringify({ ...topology, caches })).digest('hex');
}

/**
 * Splits the stack into units, in manifest order: a geo-replication group of two or more caches is one unit (named
 * `geo-<group>`, placed where its first member is), any other cache is a unit of its own. Endpoint ports follow the
 * manifest order of the units' caches from basePort on.
 */
function planUnits(topology: TopologyManifest, basePort: number, stateRoot: string): Unit[] {
  const groupOf = (c: TopologyCache) => (c.geoReplicationGroupName && topology.caches.filter((o) => o.geoReplicationGroupName === c.geoReplicationGroupName).length > 1 ? c.geoReplicationGroupName : null);
  const units: Unit[] = [];
  const placed = new Set<TopologyCache>();
  let port = basePort;
  for (const cache of topology.caches) {
    if (placed.has(cache)) continue;
    const group = groupOf(cache);
    const caches = group ? topology.caches.filter((c) => groupOf(c) === group) : [cache];
    caches.forEach((c) => placed.add(c));
    const id = safeName(group ? `geo-${group}` : cacheName(cache));
    const geoGroups = group ? topology.geoGroups.filter((g) => g.members.every((address) => caches.some((c) => c.address === address))) : [];
    units.push({ id, manifest: { ...topology, caches, geoGroups }, basePort: port, stateDirectory: path.join(stateRoot, id) });
    port += caches.length;
  }
  return units;
}

function localCache(cache: TopologyCache, resource: DataResource, unit: Unit, index: number): LocalTargetCache {
  const name = cacheName(cache);
  const port = unit.basePort + index;
  const tls = cache.clientProtocol !== 'Plaintext';
  // The files `amr emulate up` writes (the endpoint contract): the CA under tls/, the secret under secrets/.
  const secret = path.join(unit.stateDirectory, 'secrets', `${name}.${cache.accessKeysAuthentication ? 'password' : 'token'}`);
  return {
    name,
    resource,
    endpoint: `127.0.0.1:${port}`,
    port,
    tls,
    stateDirectory: unit.stateDirectory,
    ...(tls ? { caFile: path.join(unit.stateDirectory, 'tls', 'ca.pem') } : {}),
    ...(cache.accessKeysAuthentication ? { passwordFile: secret } : { tokenFile: secret }),
  };
}

function manifestFileName(unit: Unit): string {
  return `amr.local.${unit.id}.json`;
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
