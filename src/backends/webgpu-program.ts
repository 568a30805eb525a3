/**
 * Running hand-written WGSL programs on tfjs's webgpu backend (the LSTM shaders and the tiled matmul in
 * src/training): the shape of a program tfjs-webgpu accepts, and a runner that returns its output as a tensor.
 * tfjs wraps the code: it declares the inputs (read-only storage arrays named by variableNames), the output
 * `result`, a `uniforms` struct, and the builtins localId / localIndex / workgroupId as private variables.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

export type ProgramUniform = { type: 'int32' | 'uint32' | 'float32'; data: number[] };

interface WebGpuBackendLike {
  device?: { limits?: { maxComputeWorkgroupStorageSize?: number; maxStorageBufferBindingSize?: number } };
  runWebGPUProgram(program: WebGpuProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms?: ProgramUniform[]): tf.TensorInfo;
}

function backendOf(): WebGpuBackendLike {
  return tf.backend() as unknown as WebGpuBackendLike;
}

/** The workgroup memory this device allows (WebGPU's guaranteed minimum when unknown). */
export function workgroupStorageLimit(): number {
  return backendOf().device?.limits?.maxComputeWorkgroupStorageSize ?? 16384;
}

/** The largest buffer a shader may bind (WebGPU's guaranteed minimum, 128 MiB, when unknown). */
export function storageBindingLimit(): number {
  return backendOf().device?.limits?.maxStorageBufferBindingSize ?? 134217728;
}

export function runProgram(program: WebGpuProgram, inputs: tf.Tensor[], uniforms?: ProgramUniform[]): tf.Tensor2D {
  const info = backendOf().runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}
