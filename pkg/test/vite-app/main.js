// A bundler user's page: imports the package by name.
import { init, evaluate } from 'trialsieve';

const trial = 'Inclusion Criteria:\n* Aged 18-65 years\n\nExclusion Criteria:\n* Pregnancy\n';
await init();
const result = evaluate(trial, { age: 80, sex: 'female' });
document.getElementById('out').textContent = `verdict: ${result.verdict}`;
