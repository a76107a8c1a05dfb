import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { googleSubject } from './subjects.js';

runAdapterContract(googleSubject);
runFeatureContract(googleSubject);
