import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { openAICompatibleSubject } from './subjects.js';

runAdapterContract(openAICompatibleSubject);
runFeatureContract(openAICompatibleSubject);
