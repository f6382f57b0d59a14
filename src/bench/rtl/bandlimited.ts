/**
 * The band-limited interpolation kernel shared by the analysis (sub-frame peak) and the synthetic
 * fractional delays of tests and benchmarks: a sinc under a Kaiser window.
 */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

const normalisers = new Map<number, number>();

/** Kaiser window evaluated at offset u in [-1, 1]. */
export function kaiser(u: number, beta: number): number {
  if (u <= -1 || u >= 1) return 0;
  let normaliser = normalisers.get(beta);
  if (normaliser === undefined) {
    normaliser = besselI0(beta);
    normalisers.set(beta, normaliser);
  }
  return besselI0(beta * Math.sqrt(1 - u * u)) / normaliser;
}

export const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));
