import { runAdapterContract } from './contract.case.js';
import { openAICompatibleSubject } from './subjects.js';

runAdapterContract(openAICompatibleSubject);
