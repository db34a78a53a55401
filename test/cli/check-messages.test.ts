/** Defect 10 of issue 9: fix texts fit the input (HCL names for .tf and plans, the construct API for cdktf). */
import { ALL_RULES } from '../../src/rules/catalogue';
import { amr, workdir } from './run';

const CONSTRUCT_API = /Persistence\.|GeoReplicationGroup|ScheduledExport|ManagedRedis|RdbFrequency/;
const BOTH_PERSISTENCE = `resource "azurerm_managed_redis" "cache" {
  name                = "orders-cache"
  resource_group_name = "rg"
  location            = "westeurope"
  sku_name            = "Balanced_B10"
  public_network_access = "Disabled"
  default_database {
    persistence_append_only_file_backup_frequency = "1s"
    persistence_redis_database_backup_frequency   = "1h"
  }
}
`;

describe('fix texts fit the input', () => {
  test('every rule whose fix names the construct API has a Terraform fix without it', () => {
    for (const { metadata } of ALL_RULES) {
      if (CONSTRUCT_API.test(metadata.fix)) {
        expect(metadata.fixTerraform).toBeDefined();
        expect(metadata.fixTerraform).not.toMatch(CONSTRUCT_API);
      }
    }
  });

  test('HCL input: no finding names the construct API in its fix (AMR-PER-001 names the attributes)', async () => {
    const report = JSON.parse((await amr(['check', 'main.tf', '--format', 'json'], { cwd: workdir({ 'main.tf': BOTH_PERSISTENCE }) })).stdout);
    for (const f of report.findings) expect(f.fix).not.toMatch(CONSTRUCT_API);
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === 'AMR-PER-001').fix).toMatch(/persistence_append_only_file_backup_frequency/);
  });

  test('AMR-SEC-003 on a cache already Disabled does not tell the user to set Disabled', async () => {
    const report = JSON.parse((await amr(['check', 'main.tf', '--format', 'json'], { cwd: workdir({ 'main.tf': BOTH_PERSISTENCE }) })).stdout);
    const sec003 = report.findings.find((f: { ruleId: string }) => f.ruleId === 'AMR-SEC-003');
    expect(sec003.message).toMatch(/no private endpoint/);
    expect(sec003.fix).not.toMatch(/set .*Disabled/i);
    expect(sec003.fix).toMatch(/azurerm_private_endpoint/);
  });
});
