/** The failover runbook of a geo-replication group, written as Markdown beside the stack's cdk.tf.json. */
import type { ReliabilityEstimate } from '../topology/reliability';

export interface RunbookMember {
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  readonly address: string;
}

export interface RunbookInput {
  readonly groupName: string;
  readonly stackName: string;
  readonly members: readonly RunbookMember[];
  readonly reliability: ReliabilityEstimate;
  readonly alerting: boolean;
}

export const runbookFileName = (groupName: string) => `amr.runbook.${groupName}.md`;

/** Markdown: members and endpoints, detection, redirecting clients, force-unlink, rejoin by recreating. */
export function renderRunbook(input: RunbookInput): string {
  const { groupName, members } = input;
  const first = members[0];
  const memberRows = members
    .map((m) => `| ${m.name} | ${m.location} | \`${m.name}.${m.location}.redis.azure.net:10000\` | ${m.resourceGroupName} | \`${m.address}\` |`)
    .join('\n');
  const others = (m: RunbookMember) => members.filter((o) => o !== m);
  return `# Failover runbook: geo-replication group \`${groupName}\`

Generated at synth from stack \`${input.stackName}\`. Active geo-replication is active-active: every member accepts
reads and writes and replicates asynchronously to the others. **Failover between regions is your application's job**:
the service does not move clients for you. Connectivity SLA of this topology: **${input.reliability.sla}**.

## Members and endpoints

| cache | region | endpoint (TLS) | resource group | Terraform address |
|---|---|---|---|---|
${memberRows}

## 1. Detect a region failure

- ${input.alerting ? 'The "Geo Replication Healthy" alert (metric `geoReplicationHealthy` < 1) fires on the members that lost a peer.' : 'Alert on the "Geo Replication Healthy" metric (`geoReplicationHealthy` < 1) of every member: pass `actionGroupId` to GeoReplicationGroup.'}
- Your clients in one region see connection errors or timeouts while the other members stay healthy.
- Check Azure Service Health for the region before acting: a zone failure inside a zone-redundant member heals by
  itself in 10-15 s and needs no regional failover.

## 2. Redirect clients

- Point the affected applications at the nearest healthy member (change the connection string in configuration, or the
  DNS name / Traffic Manager / Front Door endpoint your clients use).
- Writes acknowledged by the failed region but not yet replicated (seconds, no SLA on sync time) may be lost.
- Conflicting concurrent writes are merged by the service (last write wins for strings, counters add up).

## 3. Force-unlink the failed member (only if the region stays down)

Force-unlink removes the failed member from the group so that the others stop waiting for it. It is one-way: a
force-unlinked cache **cannot rejoin**; it must be deleted and recreated.

\`\`\`sh
# on a healthy member, unlink the failed one
az redisenterprise database force-unlink \\
  --cluster-name ${others(first)[0]?.name ?? '<healthy member>'} --resource-group ${others(first)[0]?.resourceGroupName ?? '<rg>'} \\
  --unlink-ids "/subscriptions/<subscription>/resourceGroups/${first.resourceGroupName}/providers/Microsoft.Cache/redisEnterprise/${first.name}/databases/default"
\`\`\`

Then make Terraform agree: remove the member from \`linked_managed_redis_ids\` in the same change, or Terraform will try to
link it again while its region is down.

## 4. Rejoin by recreating

When the region is back, recreate the unlinked member (its data is discarded; the group's data replicates into it):

\`\`\`sh
terraform apply -replace='<Terraform address of the member>'
\`\`\`

Linking an existing cache with data (force-link) **discards that cache's data**: never link a cache that holds the only
copy of anything. Scaling one member locks the others until all reach the same SKU; scale-down is not supported.
FLUSHALL and FLUSHDB are blocked on geo members: use the Flush operation, which flushes every member.
`;
}
