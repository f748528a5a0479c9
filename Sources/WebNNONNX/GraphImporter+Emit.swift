import WebNNCore

/// Which converter handles each ONNX operator.
extension GraphImporter {
  func emit(_ node: ONNXNode) throws {
    switch node.op {
    case "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual",
      "And", "Or", "Xor", "PRelu":
      try convertBinary(node)
    case "Max", "Min", "Sum", "Mean": try convertVariadic(node)
    case "Relu", "Sigmoid", "Tanh", "Erf", "Softplus", "Softsign", "Exp", "Log", "Abs", "Neg", "Sqrt", "Reciprocal",
      "Floor", "Ceil", "Round", "Sin", "Cos", "Tan", "Sign", "Not", "Identity", "IsNaN", "IsInf", "HardSwish",
      "LeakyRelu", "HardSigmoid", "Elu", "Selu", "Gelu", "Dropout", "Celu", "ThresholdedRelu", "Mish":
      try convertUnary(node)
    case "Clip": try convertClip(node)
    case "Cast", "CastLike": try convertCast(node)
    case "Where": try convertWhere(node)
    case "Softmax", "LogSoftmax": try convertSoftmax(node)
    case "Gemm": try convertGemm(node)
    case "MatMul": try convertMatMul(node)
    case "Conv": try convertConv(node)
    case "ConvTranspose": try convertConvTranspose(node)
    case "MaxPool", "AveragePool", "LpPool": try convertPool(node)
    case "GlobalAveragePool", "GlobalMaxPool": try convertGlobalPool(node)
    case "BatchNormalization": try convertBatchNormalization(node)
    case "LayerNormalization": try convertLayerNormalization(node)
    case "InstanceNormalization": try convertInstanceNormalization(node)
    case "Reshape", "Flatten", "Squeeze", "Unsqueeze": try convertReshape(node)
    case "Transpose": try convertTranspose(node)
    case "Concat": try convertConcat(node)
    case "Split": try convertSplit(node)
    case "Slice": try convertSlice(node)
    case "Gather": try convertGather(node)
    case "GatherElements": try convertGatherElements(node)
    case "GatherND": try convertGatherND(node)
    case "ScatterND", "ScatterElements": try convertScatter(node)
    case "Expand": try convertExpand(node)
    case "Tile": try convertTile(node)
    case "Pad": try convertPad(node)
    case "Resize", "Upsample": try convertResize(node)
    case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
      "ReduceLogSumExp", "ReduceSumSquare":
      try convertReduce(node)
    case "ArgMax", "ArgMin": try convertArgMinMax(node)
    case "CumSum": try convertCumSum(node)
    case "Trilu": try convertTrilu(node)
    case "DequantizeLinear", "QuantizeLinear": try convertQuantization(node)
    case "LSTM": try convertLSTM(node)
    case "GRU": try convertGRU(node)
    case "If": try convertIf(node)
    case "ConstantOfShape", "Range":
      throw node.unsupported("a shape or bounds computed at run time; WebNN needs them at build time")
    case "Loop": try convertLoop(node)
    case "Scan":
      throw node.unsupported("Scan (converted loops are Loop and If with trip counts and conditions known at import)")
    default:
      throw node.unsupported("operator \(node.op) (opset \(node.opset))")
    }
  }
}
