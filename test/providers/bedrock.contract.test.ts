import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { bedrockSubject } from './subjects.js';

runAdapterContract(bedrockSubject);
runFeatureContract(bedrockSubject);
