/** The provider simulator's public surface. */
export { startSimulator } from './server.js';
export type { RecordedRequest, ScenarioInput, Simulator, SimulatorOptions } from './server.js';
export { compileScenario, loadScenarioFile, parseDuration, parseScenario } from './scenario.js';
export { ScenarioError } from './ScenarioError.js';
export type { ScenarioIssue } from './ScenarioError.js';
export type { ModelCounts, SimulatorCounts } from './counts.js';
export type { TimelineEntry } from './timeline.js';
export { WIRE_FAULTS, DOCUMENTED_FAULTS } from './scenarioTypes.js';
export type { FaultRule, FaultWhen, Latency, ModelBehaviour, Scenario, SimulatorFaultType, WireFault } from './scenarioTypes.js';
export { BUNDLED_SCENARIOS, bundledScenarioPath, resolveScenarioArgument } from './bundled.js';
export type { BundledScenario } from './bundled.js';
