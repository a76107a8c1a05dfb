/**
 * STUB — owned by the policy helper (issue 2), which replaces the bodies.
 * The signatures are the contract other modules code against.
 */
import type { Diagnostic, Policy, PolicySet } from './types.js';

export interface PolicyLoadResult {
  /** Null when any error-severity diagnostic was found. */
  readonly policy: Policy | null;
  /** Errors and warnings, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface PolicySetLoadResult {
  /** Null when any file had an error. */
  readonly set: PolicySet | null;
  readonly files: readonly { readonly file: string; readonly result: PolicyLoadResult }[];
  /** All diagnostics, including set-level ones (duplicate policy names). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parse YAML text into a Policy. Never throws on bad input. */
export function parsePolicy(text: string, file: string): PolicyLoadResult {
  void text;
  void file;
  throw new Error('parsePolicy: not built yet');
}

/** Read and parse one file. Never throws on bad input (unreadable files are a diagnostic). */
export async function loadPolicyFile(file: string): Promise<PolicyLoadResult> {
  void file;
  throw new Error('loadPolicyFile: not built yet');
}

/** Load every `*.yaml` / `*.yml` in the given folders (and the given files) into a PolicySet. */
export async function loadPolicies(paths: string | readonly string[]): Promise<PolicySetLoadResult> {
  void paths;
  throw new Error('loadPolicies: not built yet');
}
