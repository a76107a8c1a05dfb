import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { vertexClaudeSubject } from './subjects.js';

runAdapterContract(vertexClaudeSubject);
runFeatureContract(vertexClaudeSubject);
