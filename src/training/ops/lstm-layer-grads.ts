/** The end of the device LSTM layers' backward pass, shared by the tf-op and the fused WebGPU versions. */
import * as tf from '@tensorflow/tfjs-core';
import { layerMatMul } from './gemm-webgpu';

/**
 * The gradients of a layer once the gate gradients are known (per step, [B, 4H] each, or all steps as one
 * [T*B, 4H] tensor; disposed here):
 * input, kernel, recurrent kernel and bias, as large matmuls over all steps (the tiled program on webgpu).
 */
export function layerGradients(dZs: tf.Tensor2D[] | tf.Tensor2D, x: tf.Tensor2D, W: tf.Tensor2D, h0: tf.Tensor2D, hAll: tf.Tensor2D): tf.Tensor[] {
  const [B, H] = h0.shape;
  const T = hAll.shape[0] / B;
  const dZ = Array.isArray(dZs) ? (tf.concat(dZs, 0) as tf.Tensor2D) : dZs; // [T*B, 4H]
  if (Array.isArray(dZs)) tf.dispose(dZs);
  // h_{t-1} for every row: h0 then the outputs of steps 0..T-2.
  const hPrev = T > 1 ? tf.concat([h0, tf.slice(hAll, [0, 0], [(T - 1) * B, H])], 0) : h0;
  return [layerMatMul(dZ, W, false, true), layerMatMul(x, dZ, true, false), layerMatMul(hPrev as tf.Tensor2D, dZ, true, false), tf.sum(dZ, 0)];
}
