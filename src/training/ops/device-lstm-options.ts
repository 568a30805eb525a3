/** Options of the device LSTM layer (lstm-op-device.ts), shared by its WebGPU implementations. */
import type * as tf from '@tensorflow/tfjs-core';

export interface DeviceLstmOptions {
  steps: number;
  batch: number;
  /** State before step 0, [B, H] each (zeros if absent). */
  initial?: { h: tf.Tensor2D; c: tf.Tensor2D };
  /** Receives the state after the last step as kept tensors; the receiver disposes them. */
  onFinalState?: (h: tf.Tensor2D, c: tf.Tensor2D) => void;
  /** [T*B, H] multipliers applied to the output (0 or 1/(1-rate)), e.g. from dropoutMask(). */
  mask?: tf.Tensor2D;
  /** On the webgpu backend, run the cell maths as fused shaders (lstm-webgpu*.ts); default true. */
  fused?: boolean;
  /**
   * With fused shaders: 'sequence' runs each direction of the layer as one dispatch (lstm-webgpu-sequence.ts),
   * 'step' as 3 dispatches per time step (lstm-webgpu.ts). Default: LSTM_COMPLETE_LSTM_KERNELS, else 'sequence'
   * (which falls back to 'step' where the device's workgroup memory is too small).
   */
  kernels?: 'sequence' | 'step';
}
