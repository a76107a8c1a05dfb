import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { azureOpenAISubject } from './subjects.js';

runAdapterContract(azureOpenAISubject);
runFeatureContract(azureOpenAISubject);
