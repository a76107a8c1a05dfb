import { runAdapterContract } from './contract.case.js';
import { bedrockSubject } from './subjects.js';

runAdapterContract(bedrockSubject);
