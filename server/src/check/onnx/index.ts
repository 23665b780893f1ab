// Builds small ONNX models and runs them on onnxruntime-web: the runtime of the numerical check.
export { GraphBuilder, type AttributeValue, type ModelOptions, type TypedAttribute, type Value } from './graph';
export { runModel, wasmRunner } from './runtime';
export { ortRunner, type Backend, type ModelRun, type ModelRunner } from './session';
export { tensor, type DType, type Tensor, type TensorData } from './tensor';
