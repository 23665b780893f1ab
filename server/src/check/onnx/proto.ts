// Encodes the subset of onnx.proto that Rosetta's graphs use. Field numbers are those of onnx/onnx's onnx.proto.
import { ProtoWriter } from './protobuf';
import { ONNX_DATA_TYPE, rawBytes, type DType, type Tensor } from './tensor';

export interface ModelSpec {
  irVersion: number;
  opsetImports: { domain: string; version: number }[];
  graph: GraphSpec;
}

export interface GraphSpec {
  name: string;
  nodes: NodeSpec[];
  initializers: { name: string; value: Tensor }[];
  inputs: ValueInfoSpec[];
  outputs: ValueInfoSpec[];
}

export interface NodeSpec {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: AttributeSpec[];
}

/** A graph input or output; without dtype the type is left for onnxruntime to infer. */
export interface ValueInfoSpec {
  name: string;
  dtype?: DType;
  shape?: number[];
}

export type AttributeSpec =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number | bigint }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: Tensor }
  | { name: string; type: 'floats'; value: number[] }
  | { name: string; type: 'ints'; value: (number | bigint)[] };

/** AttributeProto.AttributeType codes. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

export function encodeModel(model: ModelSpec): Uint8Array {
  const writer = new ProtoWriter().varint(1, model.irVersion);
  for (const opset of model.opsetImports) {
    writer.message(8, (w) => {
      if (opset.domain) w.string(1, opset.domain);
      w.varint(2, opset.version);
    });
  }
  return writer.message(7, (w) => writeGraph(w, model.graph)).finish();
}

function writeGraph(writer: ProtoWriter, graph: GraphSpec): void {
  for (const node of graph.nodes) writer.message(1, (w) => writeNode(w, node));
  writer.string(2, graph.name);
  for (const { name, value } of graph.initializers) writer.message(5, (w) => writeTensor(w, value, name));
  for (const input of graph.inputs) writer.message(11, (w) => writeValueInfo(w, input));
  for (const output of graph.outputs) writer.message(12, (w) => writeValueInfo(w, output));
}

function writeNode(writer: ProtoWriter, node: NodeSpec): void {
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, node.name).string(4, node.opType);
  for (const attribute of node.attributes) writer.message(5, (w) => writeAttribute(w, attribute));
  if (node.domain) writer.string(7, node.domain);
}

function writeAttribute(writer: ProtoWriter, attribute: AttributeSpec): void {
  writer.string(1, attribute.name).varint(20, ATTRIBUTE_TYPE[attribute.type]);
  switch (attribute.type) {
    case 'float': writer.float(2, attribute.value); break;
    case 'int': writer.varint(3, attribute.value); break;
    case 'string': writer.string(4, attribute.value); break;
    case 'tensor': writer.message(5, (w) => writeTensor(w, attribute.value)); break;
    case 'floats': writer.packedFloats(7, attribute.value); break;
    case 'ints': writer.packedVarints(8, attribute.value); break;
  }
}

function writeTensor(writer: ProtoWriter, tensor: Tensor, name?: string): void {
  writer.packedVarints(1, tensor.shape).varint(2, ONNX_DATA_TYPE[tensor.dtype]);
  if (name) writer.string(8, name);
  writer.bytes(9, rawBytes(tensor.data));
}

function writeValueInfo(writer: ProtoWriter, info: ValueInfoSpec): void {
  writer.string(1, info.name);
  const { dtype, shape } = info;
  if (!dtype) return;
  // TypeProto.tensor_type { elem_type, shape { dim { dim_value } } }
  writer.message(2, (type) => type.message(1, (tensorType) => {
    tensorType.varint(1, ONNX_DATA_TYPE[dtype]);
    if (shape) tensorType.message(2, (s) => shape.forEach((dim) => s.message(1, (d) => d.varint(1, dim))));
  }));
}
