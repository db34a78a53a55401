/** The reliability profile: set per construct, or once for a whole app or stack. */
import type { IConstruct } from 'constructs';
import { DEFAULT_PROFILE, parseProfile } from '../rules/profiles';
import type { Profile } from '../rules/types';
import { invalidProfile } from './errors';

const PROFILE_CONTEXT_KEY = 'amr:profile';
const profiles = new WeakMap<IConstruct, Profile>();

/**
 * Sets the profile for every cache under `scope` (an App, a stack or any construct) that does not set its own.
 * The context key `amr:profile` (cdktf.json "context") does the same for the whole app.
 */
export function setProfile(scope: IConstruct, profile: Profile): void {
  if (!parseProfile(profile)) throw invalidProfile(scope.node.path, profile);
  profiles.set(scope, profile);
}

/** The profile in force at `scope`: its own or the nearest ancestor's, else the `amr:profile` context, else production. */
export function profileOf(scope: IConstruct): Profile {
  for (const c of [...scope.node.scopes].reverse()) {
    const p = profiles.get(c);
    if (p) return p;
  }
  return parseProfile(scope.node.tryGetContext(PROFILE_CONTEXT_KEY)) ?? DEFAULT_PROFILE;
}
