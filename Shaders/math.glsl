// Scalar helpers for the element-wise kernels. GLSL leaves min/max/clamp/pow undefined on
// NaN, negative bases and zero, so the WebNN semantics are spelled out here.

float clampKeepNaN(float x, float lo, float hi) { return isnan(x) ? x : min(max(x, lo), hi); }

// x^y with the IEEE pow special cases that matter for WebNN: negative bases with integral
// exponents keep their sign; small integral exponents multiply exactly.
float powFloat(float x, float y) {
  if (isnan(x) || isnan(y)) return x + y;
  if (y == 0.0) return 1.0;
  bool integral = floor(y) == y;
  if (integral && abs(y) <= 64.0) {
    int n = int(abs(y));
    float base = x, result = 1.0;
    while (n > 0) {
      if ((n & 1) != 0) result *= base;
      base *= base;
      n >>= 1;
    }
    return y < 0.0 ? 1.0 / result : result;
  }
  if (x < 0.0) {
    if (!integral) return uintBitsToFloat(0x7fc00000u);
    float magnitude = exp2(y * log2(-x));
    return mod(y, 2.0) == 1.0 ? -magnitude : magnitude;
  }
  if (x == 0.0) return y < 0.0 ? uintBitsToFloat(0x7f800000u) : 0.0;
  return exp2(y * log2(x));
}

int powInt(int x, int y) {
  if (y < 0) return x == 1 ? 1 : (x == -1 ? ((y & 1) != 0 ? -1 : 1) : 0);
  int result = 1;
  for (int i = 0; i < y && i < 64; ++i) result *= x;
  return result;
}
uint powInt(uint x, uint y) {
  uint result = 1u;
  for (uint i = 0u; i < y && i < 64u; ++i) result *= x;
  return result;
}
int64_t powInt(int64_t x, int64_t y) {
  if (y < 0l) return x == 1l ? 1l : (x == -1l ? ((y & 1l) != 0l ? -1l : 1l) : 0l);
  int64_t result = 1l;
  for (int64_t i = 0l; i < y && i < 64l; ++i) result *= x;
  return result;
}
uint64_t powInt(uint64_t x, uint64_t y) {
  uint64_t result = 1ul;
  for (uint64_t i = 0ul; i < y && i < 64ul; ++i) result *= x;
  return result;
}

float sigmoidFloat(float x) { return 1.0 / (1.0 + exp(-x)); }
// tanh saturates to ±1 in float32 beyond |x| = 9, and some implementations overflow there.
float tanhFloat(float x) { return isnan(x) ? x : tanh(clamp(x, -9.5, 9.5)); }
float softplusFloat(float x) { return x > 0.0 ? x + log(1.0 + exp(-x)) : log(1.0 + exp(x)); }
float eluFloat(float x, float alpha) { return x > 0.0 ? x : alpha * (exp(x) - 1.0); }
float hardSwishFloat(float x) { return x * max(0.0, min(6.0, x + 3.0)) / 6.0; }
float softsignFloat(float x) { return x / (1.0 + abs(x)); }
float reluFloat(float x) { return isnan(x) ? x : max(x, 0.0); }

// erf, erfc and gelu in float32 only (no shaderFloat64, which most mobile GPUs lack). erf is
// split at |x| = 0.84375, 1.25, 1/0.35 and 6, each piece a polynomial fitted (least squares on
// Chebyshev nodes, coefficients rounded to float32 one at a time and the rest refitted) to:
//   |x| < 0.84375:  erf(x) = x + x * P(x^2)                 (x + x*P keeps -0 and rounds once)
//   |x| < 1.25:     erf(x) = ERX + P(|x| - 1)                (ERX: erf(1) rounded to float32)
//   |x| < 10.1:     erfc(x) = exp(-x^2 - 0.5625 + R(1/x^2)) / x  (two R, split at 1/0.35)
// Each fit is within 1e-8 of the function, so the float32 rounding of the few operations
// after it dominates. None uses a division except the final 1/x of the tails, and exp is our
// own, since GLSL's exp may be 3 + 2|x| ULP off, which in the tails is hundreds of ULP.
// Results the order of operations matters for are `precise`: without it drivers may reassociate
// (Mesa folds k * LN2_HI + k * LN2_LO into one product, and scale * 0 into +0).
const float ERF_SMALL[7] = float[](1.283791661e-01, -3.761263490e-01, 1.128373221e-01, -2.686199360e-02,
                                   5.208558403e-03, -8.239604649e-04, 8.829222497e-05);
const float ERX = 8.427007794e-01;
const float ONE_MINUS_ERX = 1.572992206e-01;  // exact: 1 - ERX
const float ERF_NEAR_ONE[9] = float[](1.350889978e-08, 4.151074886e-01, -4.151075184e-01, 1.383709311e-01,
                                      6.918490678e-02, -6.929104775e-02, 4.778923467e-03, 1.714491285e-02,
                                      -1.064888109e-02);
// R on [1.25, 1/0.35] in 1/x^2 - ERFC_MID_CENTER, and on [1/0.35, 10.1] in 1/x^2 - ERFC_TAIL_CENTER:
// centring the variable keeps the float32 Horner evaluation well conditioned.
const float ERFC_MID_CENTER = 3.812499642e-01;
const float ERFC_MID[11] = float[](-1.491790563e-01, -2.830371261e-01, 1.415995210e-01, -1.137863994e-01,
                                   1.136185527e-01, -1.303434670e-01, 1.699052751e-01, -1.966197789e-01,
                                   1.602512896e-01, -6.983320117e-01, 1.692357421e+00);
const float ERFC_TAIL_CENTER = 6.615146995e-02;
const float ERFC_TAIL[8] = float[](-4.057015479e-02, -4.328725040e-01, 4.159548879e-01, -7.235891223e-01,
                                   1.693134308e+00, -4.819521427e+00, 1.766646004e+01, -6.306699753e+01);
const float TWO_OVER_SQRT_PI = 1.128379226e+00;
// (exp(r) - 1 - r) / r^2 on |r| <= ln(2) / 2.
const float EXP_Q[6] = float[](5.000000000e-01, 1.666666716e-01, 4.166651145e-02, 8.333180100e-03,
                               1.393050188e-03, 1.996967330e-04);

#define HORNER(C, x, result)                                       \
  {                                                                \
    result = C[C.length() - 1];                                    \
    for (int i_ = C.length() - 2; i_ >= 0; --i_) result = result * (x) + C[i_]; \
  }

// exp(hi + lo) to about 1 ULP for hi + lo in [-104, 88], |lo| < 1, hi exact: hi + lo = k ln2 + r
// with ln2 split so that k * LN2_HI is exact (LN2_HI has 15 significant bits, |k| < 2^8) and
// hi - k * LN2_HI exact too, so that only r carries rounding errors; then a polynomial for exp(r).
float expFloat(float hi, float lo) {
  float k = roundEven((hi + lo) * 1.442695022e+00);
  precise float r = ((hi - k * 0.693145751953125) + lo) - k * 1.428606765e-06;
  float q;
  HORNER(EXP_Q, r, q);
  precise float p = 1.0 + (r + r * r * q);
  // Two steps, so that each exponent stays in the range where ldexp is defined.
  int n = int(k);
  return ldexp(ldexp(p, n / 2), n - n / 2);
}

// R(1/a^2) for a in [1.25, 10.1].
float erfcTailR(float a) {
  float s = 1.0 / (a * a);
  float r;
  if (a < 2.857142925) {
    HORNER(ERFC_MID, s - ERFC_MID_CENTER, r);
  } else {
    HORNER(ERFC_TAIL, s - ERFC_TAIL_CENTER, r);
  }
  return r;
}

// scale * erfc(a) for a in [1.25, 10.1], given R = erfcTailR(a). exp(-a^2) is split as
// exp(-z^2 + (z - a)(z + a)) with z = a cut to 11 significant bits: z^2 + 0.5625 is then exact,
// so the large part of the exponent carries no rounding error (which exp would turn into a
// relative error of |x|^2 ULP).
float erfcTail(float a, float scale, float R) {
  float z = uintBitsToFloat(floatBitsToUint(a) & 0xffffe000u);
  precise float large = -z * z - 0.5625;
  precise float small = (z - a) * (z + a) + R;
  precise float result = expFloat(large, small) * (scale / a);
  return result;
}

float erfFloat(float x) {
  if (isnan(x)) return x;
  float a = abs(x);
  if (a < 0.84375) {
    // Below 2^-28, erf(x) = x + x * (2/sqrt(pi) - 1) to float32 precision; scaled by 8 so that
    // x * 0.128 does not underflow for the smallest normal x.
    if (a < 3.7252903e-09) return 0.125 * (8.0 * x + 1.027033329e+00 * x);
    float p;
    HORNER(ERF_SMALL, x * x, p);
    return x + x * p;
  }
  precise float r;
  if (a < 1.25) {
    HORNER(ERF_NEAR_ONE, a - 1.0, r);
    r = ERX + r;
  } else if (a < 6.0) {
    r = 1.0 - erfcTail(a, 1.0, erfcTailR(a));
  } else {
    r = 1.0;  // erfc(6) < 2^-55
  }
  return x < 0.0 ? -r : r;
}

// 0.5 x (1 + erf(x / sqrt 2)). x / sqrt(2) is formed as th + tl, exact to about 2^-37: rounding it to
// float32 alone would be 2 t^2 ULP off once 1 + erf(t) = erfc(-t) is small (t < 0). Below zero the
// result is 0.5 x erfc(|t|), computed directly rather than by cancelling 1 + erf.
//
// Both signs share one polynomial per range and pick their result at the end: SIMD lanes run both
// sides of a branch they disagree on, and the sign of a random input is a coin toss, whereas |t|
// mostly falls in one range. tl moves t by under 2^-23 relative, so its first-order correction,
// tl (2/sqrt(pi)) exp(-a^2), needs only a few significant bits and takes the native exp.
float geluFloat(float x) {
  // x = xh + xl with xh of 12 significant bits, 1/sqrt(2) = 0.70703125 + 7.553118485e-05: the
  // leading product is exact and the sum is split exactly (Fast2Sum, hence precise).
  float xh = uintBitsToFloat(floatBitsToUint(x) & 0xfffff000u);
  float xl = x - xh;
  precise float p = xh * 0.70703125;
  precise float q = xh * 7.553118485e-05 + xl * 7.071067691e-01;
  precise float th = p + q;
  precise float tl = q - (th - p);
  float half_x = 0.5 * x;
  float a = abs(th);
  bool negative = x < 0.0;
  if (a < 1.25) {
    precise float erfA, erfcA;
    if (a < 0.84375) {
      float p2;
      HORNER(ERF_SMALL, a * a, p2);
      erfA = a + a * p2;
      // From 1/4 up, a - 1/2 is exact and 1/2 - (...) cancels no significant bits.
      erfcA = a < 0.25 ? 1.0 - erfA : 0.5 - ((a - 0.5) + a * p2);
    } else {
      float d;
      HORNER(ERF_NEAR_ONE, a - 1.0, d);
      erfA = ERX + d;
      erfcA = ONE_MINUS_ERX - d;
    }
    // t = -a + tl below zero, so erfc(|t|) = erfc(a - tl) = erfc(a) + tl (2/sqrt(pi)) exp(-a^2);
    // above, 1 + erf(a + tl) = 1 + erf(a) + the same term.
    float correction = tl * TWO_OVER_SQRT_PI * exp(-a * a);
    precise float h = negative ? erfcA + correction : 1.0 + (erfA + correction);
    precise float result = half_x * h;
    return result;
  }
  if (a < 10.1) {
    float R = erfcTailR(a);
    // Below zero half_x goes inside, so that a result near the subnormal range rounds once.
    float e = erfcTail(a, negative ? half_x : 1.0, R);
    if (negative) {
      // erfc(a - tl) = erfc(a) (1 + tl ratio) with ratio = (2/sqrt(pi)) exp(-a^2) / erfc(a),
      // which is a exp(0.5625 - R): the split of a^2 cancels.
      float ratio = TWO_OVER_SQRT_PI * a * exp(0.5625 - R);
      precise float result = e + e * (tl * ratio);
      return result;
    }
    // The correction for tl is below 2^-27 here, and erfc(a) < 2^-55 from a = 6 on.
    precise float result = half_x * (2.0 - e);
    return result;
  }
  // |t| >= 10.1, infinities and NaN (whose th is NaN): gelu is x above zero and -0 below, where
  // erfc(10.1) < 2^-150.
  return negative ? uintBitsToFloat(0x80000000u) : x;
}
