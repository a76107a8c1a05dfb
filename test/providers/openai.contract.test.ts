import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { openAISubject } from './subjects.js';

runAdapterContract(openAISubject);
runFeatureContract(openAISubject);
