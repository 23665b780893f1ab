// How many torch APIs the catalogue maps, and how many the last real-framework conformance run confirmed.
import * as fs from 'node:fs';
import { mappedApis } from './catalogue/index';

export const DEFAULT_RESULTS = 'test-output/conformance.json';

/** One conformance case as the runner records it: the torch APIs its conversion used, and the real verdict. */
export interface CaseResult { id: string; apis: string[]; passed: boolean; detail?: string }

export interface CoverageReport { mapped: number; confirmed: number; failing: string[]; unconfirmed: string[]; text: string }

export function coverageReport(resultsFile = DEFAULT_RESULTS): CoverageReport {
  const apis = mappedApis();
  let results: CaseResult[] = [];
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).cases;
  } catch {
    // no run yet: nothing is confirmed
  }
  const passed = new Set<string>(), failed = new Set<string>();
  for (const r of results) for (const api of r.apis) (r.passed ? passed : failed).add(api);
  const confirmed = apis.filter((a) => passed.has(a) && !failed.has(a));
  const failing = apis.filter((a) => failed.has(a));
  const unconfirmed = apis.filter((a) => !passed.has(a) && !failed.has(a));
  const kinds = { functions: 0, methods: 0, modules: 0 };
  for (const a of apis) {
    if (a.startsWith('Tensor.')) kinds.methods++;
    else if (/^torch\.nn\.[A-Z]/.test(a)) kinds.modules++;
    else kinds.functions++;
  }
  const lines = [
    `torch APIs mapped to JAX: ${apis.length} (${kinds.functions} functions, ${kinds.methods} Tensor methods, ${kinds.modules} nn modules)`,
    `confirmed against real PyTorch and JAX: ${confirmed.length}${results.length ? '' : ` (no results in ${resultsFile}: run the conformance suite)`}`,
  ];
  if (failing.length) lines.push(`failing: ${failing.join(', ')}`);
  if (unconfirmed.length) lines.push(`not exercised by any case: ${unconfirmed.join(', ')}`);
  return { mapped: apis.length, confirmed: confirmed.length, failing, unconfirmed, text: lines.join('\n') + '\n' };
}
