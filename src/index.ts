// Public API: re-exports only.
export * from './constructs/acknowledge';
export { ReliabilityChecks, enableReliabilityChecks, checkStack, type ReliabilityChecksOptions, type StackCheckResult } from './constructs/checks';
export { AmrSynthError } from './constructs/errors';
export * from './constructs/managed-redis';
export * from './constructs/profile';
export * from './constructs/settings';
export * from './constructs/sku';
export * from './emulator/manifest';
export { ALL_RULES, findRule } from './rules/catalogue';
export { evaluateStack, formatFinding, type EvaluateOptions, type Evaluation } from './rules/engine';
export { readSynthesizedStack } from './rules/input/synth-json';
export * from './rules/reliability';
export type { Finding, Profile, Rule, RuleMetadata, RuleResult, Severity } from './rules/types';
export type { RegionOverrides, ZoneSupport } from './rules/data/regions';
export * from './constructs/geo-replication-group';
