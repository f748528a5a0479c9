// Shape and data-movement operators.

/// Options of ``MLGraphBuilder/transpose(_:options:)``.
public struct MLTransposeOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Output dimension i is input dimension `permutation[i]`. Default `nil`: reversed dimensions.
  public var permutation: [Int]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", permutation: [Int]? = nil) {
    self.label = label
    self.permutation = permutation
  }
}

/// Options of ``MLGraphBuilder/slice(_:starts:sizes:options:)``.
public struct MLSliceOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The step along each dimension, one per dimension, each at least 1. Default `nil`: all 1.
  public var strides: [Int]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", strides: [Int]? = nil) {
    self.label = label
    self.strides = strides
  }
}

/// Options of ``MLGraphBuilder/split(_:splits:options:)``.
public struct MLSplitOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The dimension to split. Default `0`.
  public var axis: Int
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", axis: Int = 0) {
    self.label = label
    self.axis = axis
  }
}

/// How ``MLGraphBuilder/split(_:splits:options:)`` divides its axis.
public enum MLSplits: Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
  /// This many equal parts.
  case count(Int)
  /// Parts of these sizes.
  case sizes([Int])
  /// An integer literal: ``count(_:)`` equal parts.
  public init(integerLiteral value: Int) { self = .count(value) }
  /// An array literal: parts of ``sizes(_:)``.
  public init(arrayLiteral elements: Int...) { self = .sizes(elements) }
}

/// Options of ``MLGraphBuilder/reverse(_:options:)``.
public struct MLReverseOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Axes to reverse; `[]` reverses none. Default `nil`: all axes.
  public var axes: [Int]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", axes: [Int]? = nil) {
    self.label = label
    self.axes = axes
  }
}

/// Options of ``MLGraphBuilder/pad(_:beginningPadding:endingPadding:options:)``.
public struct MLPadOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// How new elements are filled. Default ``MLPaddingMode/constant``.
  public var mode: MLPaddingMode
  /// The fill value of `.constant` mode, cast to the input's data type. Default `0`.
  public var value: MLNumber
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", mode: MLPaddingMode = .constant, value: MLNumber = 0) {
    self.label = label
    self.mode = mode
    self.value = value
  }
}

/// Options of ``MLGraphBuilder/gather(_:_:options:)``.
public struct MLGatherOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The dimension the indices address. Default `0`.
  public var axis: Int
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", axis: Int = 0) {
    self.label = label
    self.axis = axis
  }
}

/// Options of ``MLGraphBuilder/triangular(_:options:)``.
public struct MLTriangularOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Keep the upper triangle (column − row ≥ `diagonal`) instead of the lower one
  /// (column − row ≤ `diagonal`). Default `true`.
  public var upper: Bool
  /// The diagonal the triangle starts from: 0 is the main diagonal, positive values lie above
  /// it. Default `0`.
  public var diagonal: Int
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", upper: Bool = true, diagonal: Int = 0) {
    self.label = label
    self.upper = upper
    self.diagonal = diagonal
  }
}

extension MLGraphBuilder {
  /// The same elements in a new shape (`[]` makes a scalar).
  ///
  /// ```swift
  /// let flat = try builder.reshape(x, [1, 3 * 224 * 224])
  /// ```
  public func reshape(_ input: MLOperand, _ newShape: [Int], options: MLOperatorLabel = .init()) throws -> MLOperand {
    let check = try begin("reshape", options.label)
    try check.operand(input, "input")
    for d in newShape { try check.require(Validation.isValidDimension(d), "newShape", "\(d) is not a valid dimension") }
    try check.require(
      saturatingProduct(newShape) == input.descriptor.elementCount, "newShape",
      "\(newShape) does not hold the input's \(input.descriptor.elementCount) elements (input shape \(input.shape))")
    return try add1(.reshape(input: input.id), output: .init(dataType: input.dataType, shape: newShape), check)
  }

  /// Permutes the dimensions.
  public func transpose(_ input: MLOperand, options: MLTransposeOptions = .init()) throws -> MLOperand {
    let check = try begin("transpose", options.label)
    try check.operand(input, "input")
    let perm = options.permutation ?? Array((0..<input.rank).reversed())
    try check.require(
      perm.count == input.rank, "permutation", "has \(perm.count) values, the input rank is \(input.rank)")
    try check.axes(perm, rank: input.rank, "permutation")
    return try add1(
      .transpose(input: input.id, permutation: perm),
      output: .init(dataType: input.dataType, shape: perm.map { input.shape[$0] }), check)
  }

  /// Joins operands along `axis`.
  public func concat(_ inputs: [MLOperand], axis: Int, options: MLOperatorLabel = .init()) throws -> MLOperand {
    let check = try begin("concat", options.label)
    try check.require(
      !inputs.isEmpty && inputs.count <= 8192, "inputs", "expected 1...8192 operands, got \(inputs.count)")
    let first = inputs[0]
    for (i, x) in inputs.enumerated() {
      try check.operand(x, "inputs[\(i)]", tableKey: "inputs")
      try check.sameType(x, as: first.dataType, "inputs[\(i)]")
      try check.require(x.rank == first.rank, "inputs[\(i)]", "rank \(x.rank) differs from inputs[0]'s \(first.rank)")
    }
    try check.axis(axis, rank: first.rank, "axis")
    var shape = first.shape
    shape[axis] = 0
    for (i, x) in inputs.enumerated() {
      for d in 0..<first.rank where d != axis && x.shape[d] != first.shape[d] {
        throw check.error("inputs[\(i)]", "shape \(x.shape) differs from inputs[0] \(first.shape) outside axis \(axis)")
      }
      shape[axis] += x.shape[axis]
    }
    return try add1(
      .concat(inputs: inputs.map(\.id), axis: axis), output: .init(dataType: first.dataType, shape: shape), check)
  }

  /// A (strided) window of the input.
  public func slice(_ input: MLOperand, starts: [Int], sizes: [Int], options: MLSliceOptions = .init()) throws
    -> MLOperand
  {
    let check = try begin("slice", options.label)
    try check.operand(input, "input")
    let strides = options.strides ?? Array(repeating: 1, count: input.rank)
    try check.require(
      starts.count == input.rank, "starts", "has \(starts.count) values, the input rank is \(input.rank)")
    try check.require(sizes.count == input.rank, "sizes", "has \(sizes.count) values, the input rank is \(input.rank)")
    try check.require(
      strides.count == input.rank, "strides", "has \(strides.count) values, the input rank is \(input.rank)")
    try check.unsignedLongs(starts, "starts")
    try check.unsignedLongs(sizes, "sizes")
    try check.unsignedLongs(strides, "strides")
    var shape: [Int] = []
    for d in 0..<input.rank {
      try check.require(sizes[d] > 0, "sizes", "sizes[\(d)] must be positive, got \(sizes[d])")
      try check.require(strides[d] > 0, "strides", "strides[\(d)] must be positive, got \(strides[d])")
      try check.require(
        starts[d] >= 0 && starts[d] + sizes[d] <= input.shape[d], "starts",
        "start \(starts[d]) + size \(sizes[d]) exceeds dimension \(d) (\(input.shape[d]))")
      shape.append((sizes[d] + strides[d] - 1) / strides[d])
    }
    return try add1(
      .slice(input: input.id, starts: starts, strides: strides), output: .init(dataType: input.dataType, shape: shape),
      check)
  }

  /// Splits along an axis into equal parts or parts of given sizes.
  public func split(_ input: MLOperand, splits: MLSplits, options: MLSplitOptions = .init()) throws -> [MLOperand] {
    let check = try begin("split", options.label)
    try check.operand(input, "input")
    let axis = options.axis
    try check.axis(axis, rank: input.rank, "axis")
    let size = input.shape[axis]
    let sizes: [Int]
    switch splits {
    case .count(let n):
      try check.require(n > 0 && n <= 8192, "splits", "count \(n) must be in 1...8192")
      try check.require(size % n == 0, "splits", "dimension \(size) does not divide into \(n) parts")
      sizes = Array(repeating: size / n, count: n)
    case .sizes(let list):
      try check.require(!list.isEmpty && list.count <= 8192, "splits", "expected 1...8192 sizes")
      try check.unsignedLongs(list, "splits")
      try check.require(list.allSatisfy { $0 > 0 }, "splits", "sizes must be positive, got \(list)")
      try check.require(list.reduce(0, +) == size, "splits", "sizes \(list) do not sum to dimension \(size)")
      sizes = list
    }
    let outputs = sizes.map { s -> MLOperandDescriptor in
      var shape = input.shape
      shape[axis] = s
      return .init(dataType: input.dataType, shape: shape)
    }
    return try add(.split(input: input.id, axis: axis), outputs: outputs, check)
  }

  /// Broadcasts the input to `newShape` (unidirectionally; the result may have a higher rank).
  public func expand(_ input: MLOperand, _ newShape: [Int], options: MLOperatorLabel = .init()) throws -> MLOperand {
    let check = try begin("expand", options.label)
    try check.operand(input, "input")
    for d in newShape { try check.require(Validation.isValidDimension(d), "newShape", "\(d) is not a valid dimension") }
    let rank = Swift.max(input.rank, newShape.count)
    let padded = Array(repeating: 1, count: rank - newShape.count) + newShape
    guard let shape = Broadcast.bidirectional(input.shape, padded),
      shape == padded || Broadcast.unidirectional(input.shape, to: shape)
    else {
      throw check.error("newShape", "input shape \(input.shape) cannot expand to \(newShape)")
    }
    return try add1(.expand(input: input.id), output: .init(dataType: input.dataType, shape: shape), check)
  }

  /// Repeats the input `repetitions[i]` times along each axis.
  public func tile(_ input: MLOperand, _ repetitions: [Int], options: MLOperatorLabel = .init()) throws -> MLOperand {
    let check = try begin("tile", options.label)
    try check.operand(input, "input")
    try check.require(
      repetitions.count == input.rank, "repetitions", "has \(repetitions.count) values, the input rank is \(input.rank)"
    )
    try check.unsignedLongs(repetitions, "repetitions")
    try check.require(repetitions.allSatisfy { $0 > 0 }, "repetitions", "values must be positive, got \(repetitions)")
    return try add1(
      .tile(input: input.id, repetitions: repetitions),
      output: .init(dataType: input.dataType, shape: zip(input.shape, repetitions).map(*)), check)
  }

  /// Reverses the order of elements along axes.
  public func reverse(_ input: MLOperand, options: MLReverseOptions = .init()) throws -> MLOperand {
    let check = try begin("reverse", options.label)
    try check.operand(input, "input")
    let axes = options.axes ?? Array(0..<input.rank)
    try check.axes(axes, rank: input.rank, "axes")
    return try add1(.reverse(input: input.id, axes: axes), output: input.descriptor, check)
  }

  /// Pads each dimension with `beginningPadding[i]` and `endingPadding[i]` elements.
  public func pad(
    _ input: MLOperand, beginningPadding: [Int], endingPadding: [Int], options: MLPadOptions = .init()
  ) throws -> MLOperand {
    let check = try begin("pad", options.label)
    try check.operand(input, "input")
    try check.require(
      beginningPadding.count == input.rank, "beginningPadding",
      "has \(beginningPadding.count) values, the input rank is \(input.rank)")
    try check.require(
      endingPadding.count == input.rank, "endingPadding",
      "has \(endingPadding.count) values, the input rank is \(input.rank)")
    try check.unsignedLongs(beginningPadding, "beginningPadding")
    try check.unsignedLongs(endingPadding, "endingPadding")
    if options.mode == .reflection {
      for d in 0..<input.rank {
        try check.require(
          beginningPadding[d] < input.shape[d] && endingPadding[d] < input.shape[d], "beginningPadding",
          "reflection padding must be smaller than dimension \(d) (\(input.shape[d]))")
      }
    }
    let shape = (0..<input.rank).map { beginningPadding[$0] + input.shape[$0] + endingPadding[$0] }
    return try add1(
      .pad(
        input: input.id, beginning: beginningPadding, ending: endingPadding, mode: options.mode,
        value: options.value.cast(to: input.dataType)),
      output: .init(dataType: input.dataType, shape: shape), check)
  }

  /// Picks slices along `axis` by index (negative indices count from the end).
  public func gather(_ input: MLOperand, _ indices: MLOperand, options: MLGatherOptions = .init()) throws -> MLOperand {
    let check = try begin("gather", options.label)
    try check.operand(input, "input")
    try check.operand(indices, "indices")
    try check.axis(options.axis, rank: input.rank, "axis")
    let shape = Array(input.shape[..<options.axis]) + indices.shape + Array(input.shape[(options.axis + 1)...])
    return try add1(
      .gather(input: input.id, indices: indices.id, axis: options.axis),
      output: .init(dataType: input.dataType, shape: shape),
      check)
  }

  /// Picks one input element per index along `options.axis`: with `axis = 1` on rank 2,
  /// `out[i][j] = input[i][indices[i][j]]`. The indices have the input's rank and shape except at
  /// `axis`; the output has the indices' shape. Negative indices count from the end.
  ///
  /// ```swift
  /// let picked = try builder.gatherElements(scores, positions, options: .init(axis: 1))
  /// ```
  public func gatherElements(_ input: MLOperand, _ indices: MLOperand, options: MLGatherOptions = .init()) throws
    -> MLOperand
  {
    let check = try begin("gatherElements", options.label)
    try check.operand(input, "input")
    try check.operand(indices, "indices")
    try check.axis(options.axis, rank: input.rank, "axis")
    try check.elementIndices(indices, of: input, axis: options.axis)
    return try add1(
      .gatherElements(input: input.id, indices: indices.id, axis: options.axis),
      output: .init(dataType: input.dataType, shape: indices.shape), check)
  }

  /// Gathers slices addressed by the last dimension of `indices`: each row of k coordinates picks
  /// `input[c0, ..., ck-1]`, so the output shape is `indices.shape[..<last] + input.shape[k...]`.
  public func gatherND(_ input: MLOperand, _ indices: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand
  {
    let check = try begin("gatherND", options.label)
    try check.operand(input, "input")
    try check.operand(indices, "indices")
    let k = try check.coordinateCount(indices, of: input)
    let shape = Array(indices.shape.dropLast()) + Array(input.shape[k...])
    return try add1(
      .gatherND(input: input.id, indices: indices.id), output: .init(dataType: input.dataType, shape: shape), check)
  }

  /// A copy of the input with each element of `updates` written at its index along
  /// `options.axis` (the inverse of ``gatherElements(_:_:options:)``). Where indices repeat, the
  /// last update in row-major order wins.
  public func scatterElements(
    _ input: MLOperand, _ indices: MLOperand, _ updates: MLOperand, options: MLGatherOptions = .init()
  ) throws -> MLOperand {
    let check = try begin("scatterElements", options.label)
    try check.operand(input, "input")
    try check.operand(indices, "indices")
    try check.operand(updates, "updates")
    try check.sameType(updates, as: input.dataType, "updates")
    try check.axis(options.axis, rank: input.rank, "axis")
    try check.elementIndices(indices, of: input, axis: options.axis)
    try check.require(
      updates.shape == indices.shape, "updates", "shape \(updates.shape) differs from the indices' \(indices.shape)")
    return try add1(
      .scatterElements(input: input.id, indices: indices.id, updates: updates.id, axis: options.axis),
      output: input.descriptor, check)
  }

  /// A copy of the input with the slices of `updates` written at the k-coordinates in the last
  /// dimension of `indices` (the inverse of ``gatherND(_:_:options:)``). `updates` has the shape
  /// `indices.shape[..<last] + input.shape[k...]`. Where coordinates repeat, the last wins.
  public func scatterND(
    _ input: MLOperand, _ indices: MLOperand, _ updates: MLOperand, options: MLOperatorLabel = .init()
  )
    throws -> MLOperand
  {
    let check = try begin("scatterND", options.label)
    try check.operand(input, "input")
    try check.operand(indices, "indices")
    try check.operand(updates, "updates")
    try check.sameType(updates, as: input.dataType, "updates")
    let k = try check.coordinateCount(indices, of: input)
    let expected = Array(indices.shape.dropLast()) + Array(input.shape[k...])
    try check.require(
      updates.shape == expected, "updates",
      "expected shape \(expected) (indices \(indices.shape) without the last dimension, then input \(input.shape) from dimension \(k)), got \(updates.shape)"
    )
    return try add1(
      .scatterND(input: input.id, indices: indices.id, updates: updates.id), output: input.descriptor, check)
  }

  /// Keeps the upper or lower triangle of the last two dimensions, zeroing the rest.
  public func triangular(_ input: MLOperand, options: MLTriangularOptions = .init()) throws -> MLOperand {
    let check = try begin("triangular", options.label)
    try check.operand(input, "input")
    return try add1(
      .triangular(input: input.id, upper: options.upper, diagonal: options.diagonal), output: input.descriptor, check)
  }
}

extension OpCheck {
  /// gatherElements/scatterElements: the indices have the input's rank and shape outside `axis`.
  fileprivate func elementIndices(_ indices: MLOperand, of input: MLOperand, axis: Int) throws {
    try require(
      indices.rank == input.rank, "indices", "rank \(indices.rank) differs from the input rank \(input.rank)")
    for d in 0..<input.rank where d != axis && indices.shape[d] != input.shape[d] {
      throw error(
        "indices",
        "shape \(indices.shape) differs from the input \(input.shape) at dimension \(d) (only axis \(axis) may differ)")
    }
  }

  /// gatherND/scatterND: the last dimension of `indices` (k, the coordinates per index) is at most
  /// the input rank. Returns k.
  fileprivate func coordinateCount(_ indices: MLOperand, of input: MLOperand) throws -> Int {
    try require(input.rank >= 1, "input", "must have rank 1 or more, got a scalar")
    try require(indices.rank >= 1, "indices", "must have rank 1 or more, got a scalar")
    let k = indices.shape[indices.rank - 1]
    try require(
      k <= input.rank, "indices",
      "the last dimension (\(k) coordinates) exceeds the input rank \(input.rank) (shape \(indices.shape))")
    return k
  }
}
