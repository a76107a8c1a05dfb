import { runAdapterContract } from './contract.case.js';
import { openAISubject } from './subjects.js';

runAdapterContract(openAISubject);
