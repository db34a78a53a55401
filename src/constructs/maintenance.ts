/**
 * Scheduled maintenance windows of a cache (preview): `properties.maintenanceConfiguration.maintenanceWindows` of
 * `Microsoft.Cache/redisEnterprise`, which azurerm does not model, set with `azapi_update_resource`.
 */
import type { Construct } from 'constructs';
import { AzapiUpdateResource } from './azapi';
import { maintenancePropProblem } from './errors';
import type { ITerraformDependable } from './platform';

/**
 * The API version that accepts `maintenanceConfiguration` (scheduled maintenance, preview). Field names from
 * Microsoft's SDK reference (RedisEnterpriseMaintenanceWindow: type, duration, startHourUtc, schedule.dayOfWeek).
 */
export const MAINTENANCE_API_VERSION = '2025-08-01-preview';

export type DayOfWeek = 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';
export const DAYS_OF_WEEK: readonly DayOfWeek[] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** One weekly window in which the service may patch the cache. */
export interface MaintenanceWindow {
  readonly dayOfWeek: DayOfWeek;
  /** Hour (0-23, UTC) the window starts. */
  readonly startHourUtc: number;
  /** Length of the window in whole hours (1-24). @default 5 */
  readonly durationHours?: number;
}

/** The `azapi_update_resource` that sets the cache's maintenance windows. */
export function addMaintenanceWindows(scope: Construct, cacheId: string, windows: readonly MaintenanceWindow[], dependsOn: ITerraformDependable[]): AzapiUpdateResource {
  return new AzapiUpdateResource(scope, 'MaintenanceWindows', {
    type: `Microsoft.Cache/redisEnterprise@${MAINTENANCE_API_VERSION}`,
    resourceId: cacheId,
    body: {
      properties: {
        maintenanceConfiguration: {
          maintenanceWindows: windows.map((w) => ({ type: 'Weekly', startHourUtc: w.startHourUtc, duration: `PT${w.durationHours ?? 5}H`, schedule: { dayOfWeek: w.dayOfWeek } })),
        },
      },
    },
    dependsOn,
  });
}

/** Checks of maintenance windows: every problem at once. */
export function validateMaintenanceWindows(windows: readonly MaintenanceWindow[] | undefined): string[] {
  return (windows ?? []).flatMap((w, i) => {
    const problems: string[] = [];
    if (!DAYS_OF_WEEK.includes(w.dayOfWeek)) problems.push(maintenancePropProblem.day(i, String(w.dayOfWeek)));
    if (!Number.isInteger(w.startHourUtc) || w.startHourUtc < 0 || w.startHourUtc > 23) problems.push(maintenancePropProblem.startHour(i, w.startHourUtc));
    const hours = w.durationHours ?? 5;
    if (!Number.isInteger(hours) || hours < 1 || hours > 24) problems.push(maintenancePropProblem.duration(i, hours));
    return problems;
  });
}
