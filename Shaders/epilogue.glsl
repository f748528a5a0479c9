// Epilogues fused into a kernel's store (GraphFusion in the backend): epilogue(v, o) turns the
// float result v of the output element at offset o into the value stored. EPILOGUE_BODY is a
// statement list that updates v, reading the operands EPI0..EPI3 (bindings 5-8, same element
// type as the output) at offsets derived from o. Without one, the store is unchanged.
#ifdef EPILOGUE_BODY
#include "math.glsl"
#if EPILOGUE_OPERANDS > 0
TENSOR(5, epi0, T, T_ALIGN)
#endif
#if EPILOGUE_OPERANDS > 1
TENSOR(6, epi1, T, T_ALIGN)
#endif
#if EPILOGUE_OPERANDS > 2
TENSOR(7, epi2, T, T_ALIGN)
#endif
#if EPILOGUE_OPERANDS > 3
TENSOR(8, epi3, T, T_ALIGN)
#endif
float epilogue(float v, int o) {
  EPILOGUE_BODY
  return v;
}
#else
#define epilogue(v, o) (v)
#endif
