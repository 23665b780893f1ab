// The catalogue's conformance cases as Python: one torch file holding every case (the conformance suite) or one
// small program per case (the check's lowering table).
import { modules, ops } from '../../server/src/catalogue/index';
import type { ConformanceCase } from '../../server/src/catalogue/types';

export interface Case { id: string; entry: string; spec: ConformanceCase; module: boolean; firstLine: number; lastLine: number; body: string[]; op: string }

export const HEADER = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', ''];
/** A random op is drawn while a module is built (rngs in scope); the draw stays out of the state_dict, and the
 *  outputs are its statistics: mean, standard deviation and mean absolute deviation (which tells shapes apart). */
function randomCase(n: number, torch: string): string[] {
  return [
    `class Case${n}(nn.Module):`,
    '    def __init__(self):',
    '        super().__init__()',
    `        self.register_buffer("draw", ${torch}, persistent=False)`,
    '',
    '    def forward(self):',
    '        d = self.draw.float()',
    '        return torch.stack([d.mean(), d.std(), (d - d.mean()).abs().mean()])',
  ];
}

/** A case may hold statements, one per line; its last line is the returned expression. */
function functionBody(torch: string): string[] {
  const lines = torch.split('\n');
  return [...lines.slice(0, -1).map((l) => `    ${l}`), `    return ${lines[lines.length - 1]}`];
}

export function buildSource(): { source: string; cases: Case[] } {
  const lines = [...HEADER];
  const cases: Case[] = [];
  const entries = [...ops.map((e) => ({ e, module: false })), ...modules.map((e) => ({ e, module: true }))];
  const filter = process.env.ROSETTA_CONFORMANCE_FILTER;
  for (const { e, module } of entries) {
    if (filter && !filter.split(',').some((f) => e.name.includes(f))) continue;
    e.tests.forEach((spec, i) => {
      const n = cases.length;
      const names = spec.inputs.map((s) => s.split('=')[0]);
      const firstLine = lines.length + 1;
      const body = spec.statistics ? randomCase(n, spec.torch) : module
        ? [`class Case${n}(nn.Module):`, '    def __init__(self):', '        super().__init__()', `        self.m = ${spec.torch}`, '', `    def forward(self, ${names.join(', ')}):`, `        return self.m(${names.join(', ')})`]
        : [`def case${n}(${names.join(', ')}):`, ...functionBody(spec.torch)];
      lines.push(...body, '', '');
      const built = module || !!spec.statistics;
      cases.push({ id: `${e.name}#${i}`, entry: built ? `Case${n}()` : `case${n}`, spec, module: built, firstLine, lastLine: lines.length, body, op: e.name });
    });
  }
  return { source: lines.join('\n'), cases };
}

