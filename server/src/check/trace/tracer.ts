// Symbolic tensors: a traced value is a name in an ONNX graph plus the dtype and the shape, which are known while
// tracing (model code does shape arithmetic) and computed here for every node the hosts emit.
import { GraphBuilder, type AttributeValue } from '../onnx/graph';
import { dtypeOf, type DType, type Tensor, type TensorData } from '../onnx/tensor';

export const OPSET = 20;

export interface Sym {
  readonly id: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** A framework call or argument form that has no lowering yet: the check reports it and gives no verdict. */
export class NotLowered extends Error {
  /** the line of the statement that made the call, filled in by the interpreter */
  line: number | undefined = undefined;
  constructor(readonly api: string, detail = '') {
    super(`${api}${detail ? `: ${detail}` : ''} cannot be checked yet (no ONNX lowering)`);
  }
}

/** A value the check would need at trace time but which depends on the data (x.item(), `if x.sum() > 0`). */
export class DataDependent extends Error {
  line: number | undefined = undefined;
  constructor(what: string) {
    super(`${what} depends on tensor values, which are not known while tracing`);
  }
}

/** Records every node of one traced program; `feeds` holds the data of its inputs (model inputs and weights). */
export class Tracer {
  readonly graph = new GraphBuilder();
  readonly feeds: Record<string, Tensor> = {};
  private readonly inputsByName = new Map<string, Sym>();
  nodeCount = 0;

  /** A graph input fed with `value`; asking again for the same name returns the same input. */
  input(name: string, value: Tensor): Sym {
    const known = this.inputsByName.get(name);
    if (known) return known;
    const id = this.graph.input(safeName(name), value.dtype, value.shape);
    this.feeds[id] = value;
    const sym = { id, dtype: value.dtype, shape: value.shape };
    this.inputsByName.set(name, sym);
    return sym;
  }

  constant(data: TensorData, shape: readonly number[], name = 'const'): Sym {
    return { id: this.graph.constant(data, [...shape], name), dtype: dtypeOf(data), shape };
  }

  node(op: string, inputs: Array<Sym | null>, attributes: Record<string, AttributeValue>, out: { dtype: DType; shape: readonly number[] }): Sym {
    this.nodeCount++;
    return { id: this.graph.node(op, inputs.map((s) => s?.id ?? ''), attributes), dtype: out.dtype, shape: out.shape };
  }

  nodes(op: string, inputs: Array<Sym | null>, attributes: Record<string, AttributeValue>, outs: Array<{ dtype: DType; shape: readonly number[] }>): Sym[] {
    this.nodeCount++;
    const ids = this.graph.nodeWithOutputs(op, inputs.map((s) => s?.id ?? ''), outs.length, attributes);
    return ids.map((id, i) => ({ id, dtype: outs[i].dtype, shape: outs[i].shape }));
  }

  output(sym: Sym): void {
    this.graph.output(sym.id, { dtype: sym.dtype, shape: [...sym.shape] });
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, '_') || 'input';
}
