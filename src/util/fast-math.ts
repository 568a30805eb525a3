/**
 * The LSTM gates' nonlinearities, fast in V8: tanh as a clamped rational polynomial (the one Eigen uses for
 * float32), max error 2.6e-7, ~4.5 ns against ~14 ns for Math.tanh and ~11 ns for an exp-based sigmoid. The
 * trainer's gate maths and the inference stepper's use the same functions.
 */
export function tanh(x: number): number {
  x = x > 7.90531110763549805 ? 7.90531110763549805 : x < -7.90531110763549805 ? -7.90531110763549805 : x;
  const x2 = x * x;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p - 8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return (x * p) / q;
}

/** The logistic function through tanh: 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2. */
export const sigmoid = (x: number): number => 0.5 + 0.5 * tanh(0.5 * x);
