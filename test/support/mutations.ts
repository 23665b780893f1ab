// Semantic mutations of PyTorch code: the mistakes a port makes (a default, an epsilon, an axis, a layout, pad order,
// an activation's form). Each rule is a general rewrite of one line; a mutant applies one rule at one line.

export interface MutationRule {
  name: string;
  pattern: RegExp;
  replace: string | ((...groups: string[]) => string);
}

export interface Mutant {
  rule: string;
  /** 1-based line in the source that the rule rewrote */
  line: number;
  before: string;
  after: string;
  code: string;
}

export const RULES: MutationRule[] = [
  { name: 'gelu-tanh', pattern: /F\.gelu\((\w[\w.]*)\)/, replace: "F.gelu($1, approximate='tanh')" },
  { name: 'GELU-tanh', pattern: /nn\.GELU\(\)/, replace: "nn.GELU(approximate='tanh')" },
  { name: 'layernorm-eps', pattern: /nn\.LayerNorm\(([^()=]+)\)/, replace: 'nn.LayerNorm($1, eps=0.1)' },
  { name: 'eps-value', pattern: /\beps=([\d.e-]+)/, replace: 'eps=0.25' },
  { name: 'softmax-axis', pattern: /softmax\(([^()]*), dim=-1\)/, replace: 'softmax($1, dim=-2)' },
  { name: 'softmax-to-log', pattern: /F\.softmax\(/, replace: 'F.log_softmax(' },
  { name: 'tril-to-triu', pattern: /torch\.tril\(/, replace: 'torch.triu(' },
  { name: 'residual-sign', pattern: /(\w+) = \1 \+ self\./, replace: '$1 = $1 - self.' },
  { name: 'relu-to-silu', pattern: /F\.relu\(/, replace: 'F.silu(' },
  { name: 'ReLU-to-SiLU', pattern: /nn\.ReLU\((inplace=True)?\)/, replace: 'nn.SiLU()' },
  { name: 'sigmoid-to-tanh', pattern: /torch\.sigmoid\(/, replace: 'torch.tanh(' },
  { name: 'mean-to-sum', pattern: /\.mean\(dim=/, replace: '.sum(dim=' },
  { name: 'scale-power', pattern: /\*\* -0\.5/, replace: '** 0.5' },
  { name: 'pad-order', pattern: /F\.pad\((\w+), \((\w+), (\w+), (\w+), (\w+)\)/, replace: 'F.pad($1, ($4, $5, $2, $3)' },
  { name: 'leaky-slope', pattern: /negative_slope=([\d.]+)|leaky_relu\((\w+), ([\d.]+)\)/, replace: (m: string) => m.replace(/[\d.]+\)?$/, (s) => (s.endsWith(')') ? '0.5)' : '0.5')) },
  { name: 'maxpool-to-avgpool', pattern: /nn\.MaxPool2d\(/, replace: 'nn.AvgPool2d(' },
  { name: 'transpose-swap', pattern: /\.transpose\(1, 2\)/, replace: '.transpose(2, 1)' },
  { name: 'cat-order', pattern: /torch\.cat\(\[(\w+), (\w+)\]/, replace: 'torch.cat([$2, $1]' },
];

/** Up to `perRule` mutants per rule: each rewrites one line where the rule matches (comments and strings aside). */
export function mutants(code: string, perRule = 2): Mutant[] {
  const lines = code.split('\n');
  const out: Mutant[] = [];
  for (const rule of RULES) {
    let found = 0;
    for (let i = 0; i < lines.length && found < perRule; i++) {
      const line = lines[i];
      if (/^\s*(#|"""|''')/.test(line)) continue;
      const after = typeof rule.replace === 'string' ? line.replace(rule.pattern, rule.replace) : line.replace(rule.pattern, rule.replace as (...g: string[]) => string);
      if (after === line) continue;
      found++;
      const mutated = [...lines];
      mutated[i] = after;
      out.push({ rule: rule.name, line: i + 1, before: line.trim(), after: after.trim(), code: mutated.join('\n') });
    }
  }
  return out;
}

/** `code` with the first line matching `pattern` rewritten (a mutation written for one test), and that line (1-based). */
export function mutateFirst(code: string, pattern: RegExp, replacement: string): { code: string; line: number } {
  const lines = code.split('\n');
  const index = lines.findIndex((l) => pattern.test(l));
  if (index < 0) throw new Error(`no line matches ${pattern}`);
  lines[index] = lines[index].replace(pattern, replacement);
  return { code: lines.join('\n'), line: index + 1 };
}
