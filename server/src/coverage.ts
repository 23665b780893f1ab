// How many torch APIs the catalogue maps, and how many the last real-framework conformance run confirmed.
import * as fs from 'node:fs';
import { mappedApis } from './catalogue/index';

export const DEFAULT_RESULTS = 'test-output/conformance.json';
/** the summary of DEFAULT_RESULTS that the build ships in the extension, which has no test output */
export const SHIPPED_SUMMARY = 'dist/conformance.json';

/** One conformance case as the runner records it: the torch APIs its conversion used, and the real verdict. */
export interface CaseResult { id: string; apis: string[]; passed: boolean; detail?: string }

export type ApiConfirmation = 'confirmed' | 'failing' | 'unconfirmed';

/** The verdicts of one target's conformance cases over the APIs mapped to it. */
export interface TargetCoverage {
  mapped: number;
  confirmed: number;
  failing: string[];
  unconfirmed: string[];
  apis: Record<string, ApiConfirmation>;
}

export interface CoverageReport extends TargetCoverage {
  /** every mapped API's verdict (JAX): what hover shows, and what the packaged extension ships (dist/conformance.json) */
  apis: Record<string, ApiConfirmation>;
  /** the NumPy target: the APIs with a NumPy emission, confirmed against real NumPy */
  numpy: TargetCoverage;
  /** the Keras target: the APIs with a Keras emission, confirmed against real Keras (TensorFlow backend) */
  keras: TargetCoverage;
  text: string;
}

function targetCoverage(apis: string[], results: CaseResult[]): TargetCoverage {
  const passed = new Set<string>(), failed = new Set<string>();
  for (const r of results) for (const api of r.apis) (r.passed ? passed : failed).add(api);
  const verdict = (a: string): ApiConfirmation => (failed.has(a) ? 'failing' : passed.has(a) ? 'confirmed' : 'unconfirmed');
  const perApi = Object.fromEntries(apis.map((a) => [a, verdict(a)]));
  const having = (v: ApiConfirmation) => apis.filter((a) => perApi[a] === v);
  return { mapped: apis.length, confirmed: having('confirmed').length, failing: having('failing'), unconfirmed: having('unconfirmed'), apis: perApi };
}

export function coverageReport(resultsFile = DEFAULT_RESULTS): CoverageReport {
  const apis = mappedApis();
  let results: { cases: CaseResult[]; numpy?: CaseResult[]; keras?: CaseResult[] } = { cases: [] };
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    // no run yet: nothing is confirmed
  }
  const jax = targetCoverage(apis, results.cases);
  const numpy = targetCoverage(mappedApis('numpy'), results.numpy ?? []);
  const keras = targetCoverage(mappedApis('keras'), results.keras ?? []);
  const kinds = { functions: 0, methods: 0, modules: 0 };
  for (const a of apis) {
    if (a.startsWith('Tensor.')) kinds.methods++;
    else if (/^torch\.nn\.[A-Z]/.test(a)) kinds.modules++;
    else kinds.functions++;
  }
  const lines = [
    `torch APIs mapped to JAX: ${apis.length} (${kinds.functions} functions, ${kinds.methods} Tensor methods, ${kinds.modules} nn modules)`,
    `confirmed against real PyTorch and JAX: ${jax.confirmed}${results.cases.length ? '' : ` (no results in ${resultsFile}: run the conformance suite)`}`,
  ];
  if (jax.failing.length) lines.push(`failing: ${jax.failing.join(', ')}`);
  if (jax.unconfirmed.length) lines.push(`not exercised by any case: ${jax.unconfirmed.join(', ')}`);
  lines.push('', coverageTable({ JAX: jax, NumPy: numpy, Keras: keras }));
  return { ...jax, numpy, keras, text: lines.join('\n') + '\n' };
}

/** Per target: mapped and confirmed APIs, by kind (the NumPy and Keras columns count the APIs with their emission). */
function coverageTable(targets: Record<string, TargetCoverage>): string {
  const kindOf = (a: string) => (a.startsWith('Tensor.') ? 'Tensor methods' : /^torch\.nn\.[A-Z]/.test(a) ? 'nn modules' : 'functions');
  const cell = (t: TargetCoverage, kind?: string) => {
    const mine = Object.keys(t.apis).filter((a) => !kind || kindOf(a) === kind);
    return `${mine.filter((a) => t.apis[a] === 'confirmed').length}/${mine.length}`;
  };
  const columns = Object.values(targets);
  const rows = [['', ...Object.keys(targets)], ...['functions', 'Tensor methods', 'nn modules'].map((k) => [k, ...columns.map((t) => cell(t, k))]), ['all', ...columns.map((t) => cell(t))]];
  const lines = rows.map(([k, ...cells]) => `${k.padEnd(16)}${cells.map((c) => c.padStart(9)).join('')}`);
  return ['confirmed/mapped', ...lines].join('\n');
}

export const DEFAULT_LOWERING_RESULTS = 'test-output/lowering.json';

export type LoweringStatus = 'confirmed' | 'failing' | 'missing';

/** One catalogue case traced by the check under one framework's host and compared with that real framework. */
export interface LoweringCase { id: string; op: string; framework: 'torch' | 'jax'; status: LoweringStatus; detail: string }

export interface LoweringTable { rows: Array<{ op: string; torch: LoweringStatus; jax: LoweringStatus }>; text: string }

/** An op's status per framework: failing if any case fails, missing if any lacks a lowering, else confirmed. */
export function loweringTable(cases: LoweringCase[]): LoweringTable {
  const status = new Map<string, { torch: LoweringStatus; jax: LoweringStatus }>();
  const rank: Record<LoweringStatus, number> = { confirmed: 0, missing: 1, failing: 2 };
  for (const c of cases) {
    const row = status.get(c.op) ?? { torch: 'confirmed', jax: 'confirmed' };
    if (rank[c.status] > rank[row[c.framework]]) row[c.framework] = c.status;
    status.set(c.op, row);
  }
  const rows = [...status].map(([op, s]) => ({ op, ...s }));
  const width = Math.max(2, ...rows.map((r) => r.op.length));
  const count = (f: 'torch' | 'jax', s: LoweringStatus) => rows.filter((r) => r[f] === s).length;
  const lines = [
    `${'op'.padEnd(width)}  torch      jax`,
    ...rows.map((r) => `${r.op.padEnd(width)}  ${r.torch.padEnd(9)}  ${r.jax}`),
    '',
    ...(['torch', 'jax'] as const).map((f) => `${f}: ${count(f, 'confirmed')} confirmed, ${count(f, 'failing')} failing, ${count(f, 'missing')} missing of ${rows.length} ops`),
  ];
  return { rows, text: lines.join('\n') + '\n' };
}

export function readLoweringTable(resultsFile = DEFAULT_LOWERING_RESULTS): LoweringTable {
  let cases: LoweringCase[] = [];
  try {
    cases = JSON.parse(fs.readFileSync(resultsFile, 'utf8')).cases;
  } catch {
    return { rows: [], text: `no results in ${resultsFile}: run the lowering suite (npm test)\n` };
  }
  return loweringTable(cases);
}
