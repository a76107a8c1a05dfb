/**
 * Demo traffic against a test's own simulator: policy `a` first, then `b`.
 */
import { driveDemoTraffic, type DemoTraffic, type DemoTrafficOptions } from '../../src/demo/DemoRun.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { Simulator } from '../../src/simulator/index.js';
import { policyFrom, setOf } from '../executor/support.js';
import { yamlPolicy } from '../executor/simulated.js';

/** The policy the traffic goes through. */
export const TRAFFIC_POLICY = policyFrom(yamlPolicy('primary_model: a\nfallback_models: [b]\n'));

export function trafficThrough(sim: Simulator, options: Omit<DemoTrafficOptions, 'policies' | 'policy' | 'factory'>): Promise<DemoTraffic> {
  return driveDemoTraffic({
    policies: setOf(TRAFFIC_POLICY),
    policy: TRAFFIC_POLICY.name,
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
    ...options,
  });
}
