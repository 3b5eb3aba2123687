const binarySI: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
// `n` and `u` are not in the documented grammar but apimachinery's suffixer accepts them.
const decimalSI: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// apimachinery resource.Quantity: <sign>?<number><suffix>, number = digits | digits.digits | digits. | .digits,
// suffix = binarySI | decimalSI | e|E <sign>?<digits>. No surrounding whitespace.
const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * A resource.Quantity as a float of base units: '100m' → 0.1, '1Gi' → 1073741824, '1e3' → 1000.
 * Malformed input (including '', whitespace, '1K', '1e') is NaN rather than an error so callers can
 * treat a bad request as zero or a bad capacity as unknown. The JSON int-or-string form is accepted:
 * a finite number is returned as is. Precision is a double's, not upstream's arbitrary precision.
 */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return Number.isFinite(q) ? q : NaN;
  if (typeof q !== 'string') return NaN;
  const m = QUANTITY_RE.exec(q);
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2] !== undefined) return n * 10 ** Number(m[2]);
  const suffix = m[3] ?? '';
  return n * (binarySI[suffix] ?? decimalSI[suffix]!);
}
