// Index normalization for gather and scatter kernels: an index below zero counts from the end
// (adds the dimension size) and an out-of-range one is clamped into [0, size). Overloaded on the
// index type (I_T is int, uint or int64_t). 32-bit indices are handled in 32-bit arithmetic:
// widening a negative int to int64_t before the comparison gives wrong results on lavapipe.
uint normalizeIndex(int index, uint size) {
  if (index < 0) index += int(size);
  return uint(clamp(index, 0, int(size) - 1));
}

uint normalizeIndex(uint index, uint size) {
  return min(index, size - 1u);
}

uint normalizeIndex(int64_t index, uint size) {
  if (index < 0l) index += int64_t(size);
  return uint(clamp(index, 0l, int64_t(size) - 1l));
}
