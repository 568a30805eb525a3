/** A typed wrapper over tf.customGrad for ops whose inputs are plain tensors (and an optional save function). */
import * as tf from '@tensorflow/tfjs-core';

export type GradFunc<T extends tf.Tensor> = (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

export function customOp<T extends tf.Tensor>(f: (...args: never[]) => { value: T; gradFunc: GradFunc<T> }): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => T;
}
