/**
 * The messages ScheduledExport reports at synth (beside errors.ts, in its style): each starts with the rule ID, says
 * what is wrong with the actual value and what is allowed, and ends with the fix.
 */

export const exportPropProblem = {
  cacheOrGroup: (both: boolean) =>
    `AMR-BAK-001: ScheduledExport needs exactly one of cache and group, got ${both ? 'both' : 'neither'} (fix: pass cache: <ManagedRedis> or group: <GeoReplicationGroup>)`,
  memberIndex: (index: number, members: number) =>
    `AMR-BAK-001: exportMember ${index} is not a member of the group (it has ${members} member${members === 1 ? '' : 's'}: 0 to ${members - 1}) (fix: choose a member index from 0 to ${members - 1}, or omit exportMember to export the first)`,
  memberWithoutGroup: () => `AMR-BAK-001: exportMember is set without group (fix: remove exportMember, or pass group instead of cache)`,
  schedule: (problem: string) => `AMR-BAK-006: schedule ${problem} (fix: use Schedule.every(hours) with hours 1, 2, 3, 4, 6, 8, 12 or 24, or Schedule.cron('0 0 */6 * * *'))`,
  scheduleTooSparse: (hours: number) =>
    `AMR-BAK-008: the schedule runs only every ${formatHours(hours)}; the staleness alert can look back at most 48 h, so it cannot watch an interval above 24 h (fix: export at least daily, e.g. Schedule.every(24))`,
  retentionDays: (value: number) =>
    `AMR-BAK-005: retentionDays ${value} is not a whole number of days from 1 to 99999 (the lifecycle policy's range) (fix: e.g. retentionDays: 30)`,
  coolAfterDays: (cool: number, retention: number) =>
    `AMR-BAK-005: coolAfterDays ${cool} must be a whole number of at least 0 and less than retentionDays ${retention}, or exports are deleted before they are tiered (fix: lower coolAfterDays or omit it)`,
  softDeleteDays: (value: number) => `AMR-BAK-005: softDeleteDays ${value} is not a whole number of days from 1 to 365 (fix: e.g. softDeleteDays: 7)`,
  rpo: (value: number) => `AMR-BAK-006: rpo ${value} is not a positive number of hours (fix: declare the RPO target in hours, e.g. rpo: 6)`,
  storageAccountName: (name: string) =>
    `AMR-NAME-001: storageAccountName '${name}' is invalid: 3-24 lowercase letters and digits, unique across Azure (fix: e.g. 'amrbakorders01')`,
  containerName: (name: string) =>
    `AMR-NAME-001: containerName '${name}' is invalid: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (fix: e.g. 'redis-exports')`,
  functionAppName: (name: string) =>
    `AMR-NAME-001: functionAppName '${name}' is invalid: 2-32 letters, digits and hyphens, not starting or ending with a hyphen, unique across Azure (fix: e.g. 'orders-cache-export')`,
  exportPrefix: (prefix: string) =>
    `AMR-BAK-005: exportPrefix '${prefix}' is invalid: 1-200 characters of letters, digits, '-', '_', '.' and '/', not starting or ending with '/', without '..' or '//' (fix: e.g. the cache's name)`,
};

function formatHours(hours: number): string {
  return Number.isInteger(hours) ? `${hours} h` : `${hours.toFixed(2)} h`;
}
