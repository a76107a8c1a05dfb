import { runAdapterContract } from './contract.case.js';
import { runFeatureContract } from './features.case.js';
import { vertexGeminiSubject } from './subjects.js';

runAdapterContract(vertexGeminiSubject);
runFeatureContract(vertexGeminiSubject);
