// Traces one program (a source or a target file) under a framework host: runs the module, builds the entry (a
// function, or a model from a constructor call), calls it on symbolic inputs, and collects outputs and per-line
// records. Running the graph is separate (evaluate), so that a caller can trace both sides before running either.
import { HostObject, Interpreter, numberOf, pyError, PyDict, PyList, PyTuple, type InterpreterApi, type Value } from '../interp';
import { wasmRunner } from '../onnx/runtime';
import type { Backend, ModelRunner } from '../onnx/session';
import type { Tensor } from '../onnx/tensor';
import type { StateEntry, TraceHost } from './host';
import * as ops from './ops';
import type { Sym } from './tracer';

export interface NamedTensor {
  name: string;
  value: Tensor;
}

export interface Record {
  line: number;
  /** the assignment target as written, 'return', or '' for an expression statement */
  target: string;
  sym: Sym;
}

export interface TracedProgram {
  outputs: Array<{ path: string; sym: Sym }>;
  records: Record[];
  /** the source model's state_dict, when the host has one (torch) */
  state: StateEntry[];
}

export interface TraceOptions {
  /** a function name or a constructor call, in the program's own terms */
  entry: string;
  inputs: NamedTensor[];
  mode: 'eval' | 'train';
  /** extra keyword arguments appended to a constructor entry, e.g. `rngs=nnx.Rngs(0)` */
  constructorExtra?: string;
  /** the source's weights, handed to `loader` */
  weightsFrom?: ReadonlyArray<{ name: string; sym: Sym }>;
  /** a load function name in the program, called as fn(model, state) before the model runs */
  loader?: string;
}

const MODEL = '__rosetta_model__';

/** Traces `code` under `host`. Throws the interpreter's errors (PyError, Unsupported, NotLowered, DataDependent). */
export function traceProgram(host: TraceHost, code: string, options: TraceOptions): TracedProgram {
  const records: Record[] = [];
  let recording = false; // values computed while the model is built (and weights loaded) are not the forward pass
  const interpreter = new Interpreter({
    host,
    moduleName: 'rosetta_check',
    onRecord: (line, target, value) => {
      if (!recording) return;
      // `a, b = ...` and `return x, y`: each tensor of a tuple is a value of that line
      const parts = value instanceof PyTuple || value instanceof PyList ? value.items.map((v, i) => [`${target}[${i}]`, v] as const) : [[target, value] as const];
      for (const [name, part] of parts) {
        const sym = host.symOf(part);
        if (sym) records.push({ line, target: name, sym });
      }
    },
  });
  interpreter.run(code);
  const args = options.inputs.map(({ name, value }) => host.inputTensor(host.tracer.input(`input.${name}`, value)));
  const callable = options.entry.includes('(') ? buildModel(interpreter, host, options) : interpreter.get(options.entry);
  if (callable === undefined) throw pyError('NameError', `the entry '${options.entry}' is not defined in the file`);
  const state = options.entry.includes('(') && host.stateDict ? host.stateDict(callable, interpreter.api) : [];
  recording = true;
  const result = interpreter.call(callable, args);
  recording = false;
  const outputs = flattenOutputs(host, result, 'out', interpreter.api);
  return { outputs, records, state };
}

function buildModel(interpreter: Interpreter, host: TraceHost, options: TraceOptions): Value {
  const entry = options.constructorExtra ? withKeyword(options.entry, options.constructorExtra) : options.entry;
  interpreter.run(`${MODEL} = ${entry}`);
  const model = interpreter.get(MODEL)!;
  if (options.loader && options.weightsFrom) {
    const state = host.stateDictValue?.(options.weightsFrom);
    if (!state) throw new Error('this host cannot receive a state_dict');
    const loader = interpreter.get(options.loader);
    if (loader === undefined) throw pyError('NameError', `the file defines no '${options.loader}(model, state_dict)' to load the source's weights`);
    interpreter.call(loader, [model, state]);
  }
  host.prepare(model, options.mode, interpreter.api);
  return model;
}

/** `Net(4)` + `rngs=...` → `Net(4, rngs=...)`. */
export function withKeyword(call: string, keyword: string): string {
  const close = call.lastIndexOf(')');
  const inner = call.slice(call.indexOf('(') + 1, close).trim();
  return `${call.slice(0, close)}${inner ? ', ' : ''}${keyword})`;
}

/** Tensors inside tuples, lists and dicts, named like `out[0]['logits']`. */
function flattenOutputs(host: TraceHost, value: Value, path: string, api: InterpreterApi): Array<{ path: string; sym: Sym }> {
  const sym = host.symOf(value);
  if (sym) return [{ path, sym }];
  if (value instanceof PyTuple || value instanceof PyList) return value.items.flatMap((v, i) => flattenOutputs(host, v, `${path}[${i}]`, api));
  // named tuples of the host (torch.max(x, 1) → values, indices) iterate like tuples
  if (value instanceof HostObject && value.hooks.iterate) return [...value.hooks.iterate(api)].flatMap((v, i) => flattenOutputs(host, v, `${path}[${i}]`, api));
  if (value instanceof PyDict) return value.keys().flatMap((k) => flattenOutputs(host, value.get(k)!, `${path}[${JSON.stringify(k)}]`, api));
  if (value === null) return [];
  if (typeof value === 'boolean') return [{ path, sym: ops.fromValues(host.tracer, [Number(value)], [], 'bool') }];
  const scalar = numberOf(value);
  if (scalar) return [{ path, sym: pythonScalar(host, scalar) }];
  throw new TypeError(`the entry returned a ${typeof value === 'object' ? (value as object).constructor.name : typeof value}, not tensors`);
}

/** A Python number an entry returns (x.dim(), x.numel()) is compared as a scalar, as numpy would hold it. */
function pythonScalar(host: TraceHost, n: { value: number; isFloat: boolean }): Sym {
  return n.isFloat ? ops.fromValues(host.tracer, [n.value], [], 'float64') : ops.fromValues(host.tracer, [n.value], [], 'int64');
}

/** Runs the host's graph with the given values as outputs; results come back in order, with where they ran. */
export async function evaluate(host: TraceHost, syms: readonly Sym[], runner: ModelRunner = wasmRunner()): Promise<{ values: Tensor[]; backend: Backend }> {
  const unique = [...new Set(syms.map((s) => s.id))];
  const byId = new Map(syms.map((s) => [s.id, s]));
  for (const id of unique) host.tracer.output(byId.get(id)!);
  const needed = Object.fromEntries(Object.entries(host.tracer.feeds));
  const { outputs, backend } = await runner(host.tracer.graph.toModel({ opset: 20 }), needed);
  return { values: syms.map((s) => outputs[s.id] ?? needed[s.id]), backend };
}
