// Epilogues fused into a kernel's store (GraphFusion in the backend): epilogue(v, o) turns the
// float result v of the output element at offset o into the value stored. EPILOGUE_BODY is a
// statement list that updates v, reading the operands EPI0(i)..EPI3(i) (bindings 5-8, same
// element type as the output) at offsets derived from o: as one-element texels where the host
// set TEXELS_5..8 (on CPU devices a storage-buffer load loops over the lanes). Without one, the
// store is unchanged.
#ifdef EPILOGUE_BODY
#include "math.glsl"
#if EPILOGUE_OPERANDS > 0
#ifdef TEXELS_5
TEXELS(5, epi0Texels)
#define EPI0(i) texelFetch(epi0Texels, i).x
#else
TENSOR(5, epi0, T, T_ALIGN)
#define EPI0(i) float(epi0.v[i])
#endif
#endif
#if EPILOGUE_OPERANDS > 1
#ifdef TEXELS_6
TEXELS(6, epi1Texels)
#define EPI1(i) texelFetch(epi1Texels, i).x
#else
TENSOR(6, epi1, T, T_ALIGN)
#define EPI1(i) float(epi1.v[i])
#endif
#endif
#if EPILOGUE_OPERANDS > 2
#ifdef TEXELS_7
TEXELS(7, epi2Texels)
#define EPI2(i) texelFetch(epi2Texels, i).x
#else
TENSOR(7, epi2, T, T_ALIGN)
#define EPI2(i) float(epi2.v[i])
#endif
#endif
#if EPILOGUE_OPERANDS > 3
#ifdef TEXELS_8
TEXELS(8, epi3Texels)
#define EPI3(i) texelFetch(epi3Texels, i).x
#else
TENSOR(8, epi3, T, T_ALIGN)
#define EPI3(i) float(epi3.v[i])
#endif
#endif
float epilogue(float v, int o) {
  EPILOGUE_BODY
  return v;
}
#else
#define epilogue(v, o) (v)
#endif
