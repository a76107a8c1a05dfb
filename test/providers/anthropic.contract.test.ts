import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { anthropicSubject } from './subjects.js';

runAdapterContract(anthropicSubject);
runFeatureContract(anthropicSubject);
