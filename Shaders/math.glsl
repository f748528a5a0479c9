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

#ifdef NEEDS_ERF
// erf in double precision: a power series below 2.5, a continued fraction for erfc above.
// exp is evaluated in double by range reduction (GLSL has no double exp).
double expDouble(double x) {
  if (x < -745.0LF) return 0.0LF;
  double k = floor(x / 0.6931471805599453LF + 0.5LF);
  double r = x - k * 0.6931471805599453LF;
  double term = 1.0LF, sum = 1.0LF;
  for (int n = 1; n <= 18; ++n) {
    term *= r / double(n);
    sum += term;
  }
  return ldexp(sum, int(k));
}

// erfc(x) for x >= 2.5: exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))).
double erfcLarge(double x) {
  double f = x;
  for (int n = 60; n >= 1; --n) f = x + (double(n) * 0.5LF) / f;
  return expDouble(-x * x) / f * 0.5641895835477563LF;
}

double erfDouble(double x) {
  double ax = abs(x);
  double result;
  if (ax < 2.5LF) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    double x2 = ax * ax, term = ax, sum = ax;
    for (int n = 1; n < 80; ++n) {
      term *= -x2 / double(n);
      double contribution = term / double(2 * n + 1);
      sum += contribution;
      if (abs(contribution) < 1e-17LF * abs(sum)) break;
    }
    result = sum * 1.1283791670955126LF;
  } else {
    result = ax < 27.0LF ? 1.0LF - erfcLarge(ax) : 1.0LF;
  }
  return x < 0.0LF ? -result : result;
}

float erfFloat(float x) { return isnan(x) ? x : float(erfDouble(double(x))); }

// 0.5 x (1 + erf(x / sqrt 2)), all in double so that 1 + erf does not cancel.
float geluFloat(float x) {
  if (isnan(x)) return x;
  double dx = double(x);
  double t = dx * 0.7071067811865476LF;
  if (t <= -2.5LF) return float(0.5LF * dx * erfcLarge(-t));
  return float(0.5LF * dx * (1.0LF + erfDouble(t)));
}
#endif
