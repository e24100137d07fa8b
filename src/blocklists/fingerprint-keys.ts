/**
 * Keyed 64-bit fingerprints of rule names, for the large sets (fingerprint-set.ts) that keep a
 * fingerprint per rule instead of its characters.
 *
 * The hash is multilinear over the characters counted from the END of the name (j = 0 is the last):
 *   V(s) = Σ_j K[j] · s[n-1-j]  mod 2^64,  K[j] 64-bit keys drawn at random once per process.
 * Right to left, the running sum at a label boundary is the fingerprint of that suffix, so one pass
 * over a query name fingerprints all its suffixes (NameScan).
 *
 * Why false positives are negligible, provably: take two different ASCII names x and y (a position
 * past the end of the shorter counts as 0; name characters are never 0). Then
 * V(x) - V(y) = Σ_j K[j]·δ_j with some δ_j ≠ 0 and |δ_j| < 128, so δ_j = 2^t·odd with t ≤ 6. With
 * K[j] uniform and independent of the names, K[j]·δ_j is uniform over the multiples of 2^t, hence
 * Pr[V(x) = V(y)] ≤ 2^t / 2^64 ≤ 2^-58 whatever the two names (Carter-Wegman multilinear hashing,
 * as in Lemire & Kaser, "Strongly universal string hashing is fast", 2014). A query suffix probed
 * against N rules matches one of them falsely with probability ≤ N·2^-58: 3.5e-12 for a million
 * rules, so a home sending a million lookups a day, each probing 10 suffixes of such a set, would
 * see one wrong block about every 80 years at worst (the bound, not the likely rate: 64x rarer).
 * The keys never leave the process (nor its list worker), so names cannot be chosen against them.
 *
 * Computed with doubles: lo = Σ Klo[j]·c and hi = Σ Khi[j]·c (Klo, Khi the 32-bit halves) stay
 * below 253 · 2^32 · 128 < 2^47, exact; V's halves are (lo mod 2^32, (hi + ⌊lo / 2^32⌋) mod 2^32).
 */
/** Longest name with a fingerprint (a rule is 1-253 characters). */
export const FP_MAX_LENGTH = 253;

/** The low 32-bit halves of the keys, K[j] for j = 0..252 (as doubles: no conversion per character). */
export const KEY_LO = new Float64Array(FP_MAX_LENGTH);
/** The high 32-bit halves of the keys. */
export const KEY_HI = new Float64Array(FP_MAX_LENGTH);

const TWO_32 = 4294967296;
let seed = 0; // identifies the keys in use; 0 = not drawn yet

/** Draws the keys on first use; returns their seed, which every fingerprint set records. */
export function fingerprintSeed(): number {
  if (seed === 0) {
    const words = new Uint32Array(2 * FP_MAX_LENGTH + 1);
    // Why the Web Crypto global, not node:crypto: the list worker imports this module, only ever
    // imports its parent's keys, and so never loads a crypto module at all.
    do globalThis.crypto.getRandomValues(words);
    while (words[0] === 0);
    importFingerprintKeys(words);
  }
  return seed;
}

/** The keys as words (seed, then the low halves, then the high halves): what a worker is given. */
export function exportFingerprintKeys(): Uint32Array {
  const words = new Uint32Array(2 * FP_MAX_LENGTH + 1);
  words[0] = fingerprintSeed();
  for (let j = 0; j < FP_MAX_LENGTH; j++) {
    words[1 + j] = KEY_LO[j] as number;
    words[1 + FP_MAX_LENGTH + j] = KEY_HI[j] as number;
  }
  return words;
}

/** Installs keys made by {@link exportFingerprintKeys} (the list worker uses its parent's keys). */
export function importFingerprintKeys(words: Uint32Array): void {
  if (words.length !== 2 * FP_MAX_LENGTH + 1 || words[0] === 0) throw new RangeError('bad fingerprint keys');
  for (let j = 0; j < FP_MAX_LENGTH; j++) {
    KEY_LO[j] = words[1 + j] as number;
    KEY_HI[j] = words[1 + FP_MAX_LENGTH + j] as number;
  }
  seed = words[0] as number;
}

/** The low word of V from the running sums (as an int32, the way the sets store it). */
export function fpLow(lo: number): number {
  return lo | 0;
}

/** The high word of V from the running sums (as an int32). */
export function fpHigh(lo: number, hi: number): number {
  return (hi + Math.floor(lo / TWO_32)) | 0;
}
