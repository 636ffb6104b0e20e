/** Deterministic default seed of a run (`model.seed`, docs/CONFIG.md): FNV-1a (32-bit) of `fundId|asOf`. */

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The seed used when the config gives none: same fund and asOf ⇒ same seed ⇒ same result. */
export function defaultSeed(fundId: string, asOf: string): number {
  return fnv1a32(`${fundId}|${asOf}`);
}
