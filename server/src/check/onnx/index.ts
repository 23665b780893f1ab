// Builds small ONNX models and runs them on onnxruntime-web: the runtime of the numerical check.
export { GraphBuilder, type AttributeValue, type ModelOptions, type TypedAttribute, type Value } from './graph';
export { runModel } from './runtime';
export { tensor, type DType, type Tensor, type TensorData } from './tensor';
