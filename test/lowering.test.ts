// The check's lowering table: every catalogue conformance case, traced under the torch host (the torch program) and
// the JAX host (its conversion), is compared with the real framework on the same inputs and weights. Each op gets a
// status per framework: confirmed (all its cases agree), failing (a case disagrees or errs), missing (no lowering).
// The table is written to test-output/lowering.json for `rosetta coverage --lowering`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createJaxHost } from '../server/src/check/hosts/jax';
import { createTorchHost } from '../server/src/check/hosts/torch';
import { SeededWeights } from '../server/src/check/weights';
import { convertTorchToJax } from '../server/src/convert';
import { loweringTable, type LoweringCase } from '../server/src/coverage';
import { initParser } from '../server/src/parser';
import { buildSource, HEADER } from './support/catalogue-cases';
import { checkSnippets, type Snippet, type SnippetResult } from './support/lowering';
import { outputDir } from './support/python';

const NOT_LOWERED = /cannot be checked yet|depends on tensor values/;

function toCase(op: string, framework: 'torch' | 'jax', r: SnippetResult): LoweringCase {
  const status = r.passed ? 'confirmed' : r.traceError && NOT_LOWERED.test(r.traceError) ? 'missing' : 'failing';
  return { id: r.id, op, framework, status, detail: r.detail };
}

describe('lowering: the check against real PyTorch and JAX on every catalogue case', function () {
  const cases = buildSource().cases.filter((c) => !c.spec.statistics);
  const results: LoweringCase[] = [];

  before(async function () {
    await initParser();
    const torchSnippets: Snippet[] = cases.map((c) => ({ id: c.id, code: [...HEADER, ...c.body].join('\n'), entry: c.entry, inputs: c.spec.inputs, mode: c.spec.train ? 'train' : 'eval' }));
    const torch = await checkSnippets('torch', (t) => createTorchHost(t, { weights: new SeededWeights(1) }), torchSnippets);
    // a model's JAX side needs the weights the torch side drew; without a torch lowering it waits for one
    const weighed = (s: Snippet) => !s.entry.includes('(') || torch.get(s.id)?.state !== undefined;
    const jaxSnippets = torchSnippets.filter(weighed).map((s) => ({ ...s, code: convertTorchToJax(s.code).code, state: torch.get(s.id)?.state }));
    const jax = await checkSnippets('jax', (t) => createJaxHost(t, { weights: new SeededWeights(2) }), jaxSnippets);
    const waiting = (id: string): LoweringCase => ({ id, op: '', framework: 'jax', status: 'missing', detail: 'the torch side drew no weights' });
    for (const c of cases) {
      const jaxCase = jax.has(c.id) ? toCase(c.op, 'jax', jax.get(c.id)!) : { ...waiting(c.id), op: c.op };
      results.push(toCase(c.op, 'torch', torch.get(c.id)!), jaxCase);
    }
    fs.mkdirSync(outputDir, { recursive: true });
    fs.writeFileSync(path.join(outputDir, 'lowering.json'), JSON.stringify({ cases: results }, null, 1));
  });

  it('no lowering disagrees with its real framework', function () {
    const failing = results.filter((r) => r.status === 'failing').map((r) => `${r.framework} ${r.id}: ${r.detail}`);
    assert.deepEqual(failing, []);
  });

  it('prints the table: op × framework', function () {
    const table = loweringTable(results);
    console.log(table.text);
    assert.ok(table.rows.length > 0);
  });
});
