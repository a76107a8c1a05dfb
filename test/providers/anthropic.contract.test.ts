import { runAdapterContract } from './contract.case.js';
import { anthropicSubject } from './subjects.js';

runAdapterContract(anthropicSubject);
