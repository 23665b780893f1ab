// Builds ONNX models node by node. Only graph inputs (and outputs, when asked) are typed: onnxruntime infers the rest.
import { encodeModel, type AttributeSpec, type NodeSpec, type ValueInfoSpec } from './proto';
import { dtypeOf, tensor, type DType, type Tensor, type TensorData } from './tensor';

/** The name of a value in the graph; '' stands for an omitted optional input. */
export type Value = string;

/** An attribute with its ONNX type spelled out, for values inference would misread (a float that is whole). */
export type TypedAttribute = WithoutName<AttributeSpec>;
type WithoutName<A> = A extends unknown ? Omit<A, 'name'> : never;

/** Integers become `int`, other numbers `float`; arrays likewise (`ints` if every element is an integer). */
export type AttributeValue = number | bigint | boolean | string | readonly number[] | readonly bigint[] | Tensor | TypedAttribute;

export interface ModelOptions {
  /** version of the default ('ai.onnx') operator set */
  opset: number;
  /** defaults to the IR version that introduced the opset */
  irVersion?: number;
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: { name: string; value: Tensor }[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private readonly names = new Set<string>();
  private readonly nodeCount = new Map<string, number>();

  constructor(private readonly name = 'rosetta') {}

  input(name: string, dtype: DType, shape: number[]): Value {
    this.inputs.push({ name: this.claim(name), dtype, shape });
    return name;
  }

  /** An initializer; a Uint8Array holds bools. Shape defaults to 1-D. */
  constant(data: TensorData, shape: number[] = [data.length], name = 'const'): Value {
    const value = tensor(dtypeOf(data), shape, data);
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, value });
    return unique;
  }

  /** One node with one output, named after the operator. */
  node(opType: string, inputs: Value[], attributes: Record<string, AttributeValue> = {}, domain = ''): Value {
    return this.nodeWithOutputs(opType, inputs, 1, attributes, domain)[0];
  }

  /** One node with several outputs (Split, TopK, ...). */
  nodeWithOutputs(opType: string, inputs: Value[], outputCount: number, attributes: Record<string, AttributeValue> = {}, domain = ''): Value[] {
    for (const input of inputs) if (input && !this.names.has(input)) throw new Error(`${opType}: unknown input '${input}'`);
    const index = this.nodeCount.get(opType) ?? 0;
    this.nodeCount.set(opType, index + 1);
    const name = this.fresh(`${opType}_${index}`);
    const outputs = Array.from({ length: outputCount }, (_, i) => this.fresh(outputCount === 1 ? `${name}_out` : `${name}_out${i}`));
    const attributeSpecs = Object.entries(attributes).map(([key, value]) => attributeSpec(key, value));
    this.nodes.push({ name, opType, domain, inputs, outputs, attributes: attributeSpecs });
    return outputs;
  }

  /** Marks a value as a graph output; dtype and shape are optional because onnxruntime infers them. */
  output(value: Value, type: { dtype?: DType; shape?: number[] } = {}): void {
    if (!this.names.has(value)) throw new Error(`unknown output '${value}'`);
    this.outputs.push({ name: value, ...type });
  }

  toModel(options: ModelOptions): Uint8Array {
    if (!this.outputs.length) throw new Error('the graph has no output');
    return encodeModel({
      irVersion: options.irVersion ?? irVersionOf(options.opset),
      opsetImports: [{ domain: '', version: options.opset }],
      graph: { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
    });
  }

  private claim(name: string): string {
    if (!name || this.names.has(name)) throw new Error(`value name '${name}' is empty or taken`);
    this.names.add(name);
    return name;
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    return this.claim(name);
  }
}

/** The IR version released with the opset (onnx/docs/Versioning.md), at least 7: older opsets are of no use here. */
function irVersionOf(opset: number): number {
  if (opset >= 23) return 11;
  if (opset >= 21) return 10;
  if (opset >= 19) return 9;
  if (opset >= 15) return 8;
  return 7;
}

function attributeSpec(name: string, value: AttributeValue): AttributeSpec {
  if (typeof value === 'string') return { name, type: 'string', value };
  if (typeof value === 'boolean') return { name, type: 'int', value: value ? 1 : 0 };
  if (typeof value === 'bigint') return { name, type: 'int', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: 'int', value } : { name, type: 'float', value };
  if (isArray(value)) return arrayAttribute(name, value);
  if ('type' in value) return { name, ...value } as AttributeSpec;
  return { name, type: 'tensor', value };
}

function arrayAttribute(name: string, values: readonly number[] | readonly bigint[]): AttributeSpec {
  const allIntegers = values.every((v: number | bigint) => typeof v === 'bigint' || Number.isInteger(v));
  if (allIntegers) return { name, type: 'ints', value: [...values] };
  return { name, type: 'floats', value: [...values] as number[] };
}

function isArray(value: AttributeValue): value is readonly number[] | readonly bigint[] {
  return Array.isArray(value);
}
