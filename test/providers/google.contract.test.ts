import { runAdapterContract } from './contract.case.js';
import { googleSubject } from './subjects.js';

runAdapterContract(googleSubject);
