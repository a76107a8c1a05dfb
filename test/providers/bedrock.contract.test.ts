import { Agent } from 'undici';
import { afterAll } from 'vitest';
import { requestFetch } from '../../src/providers/request-fetch.js';
import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { bedrockSubject, bedrockSubjectOver } from './subjects.js';

runAdapterContract(bedrockSubject);
runFeatureContract(bedrockSubject);

// `detour serve`'s lean transport (`transport: 'undici'`) under the AWS SDK.
const agent = new Agent();
afterAll(() => agent.close());
const overUndici = bedrockSubjectOver('bedrock over the undici transport', await requestFetch(agent));
runAdapterContract(overUndici);
runFeatureContract(overUndici);
