// Operators that move data: reshaping, joining and splitting, slicing, padding, triangular,
// cumulativeSum and resample2d.

extension OperatorRegistry {
  static let shapes: [OperatorSchema] = {
    let all = OperatorTable.all
    let any = OperatorTable.spec(all)
    let ranked = 1...OperatorTable.maxRank
    typealias S = OperatorSchema
    return [
      S("reshape", [.operand("input", all), .integers("newShape")], output: any) { a in
        try a.builder.reshape(try a.operand("input"), try a.ints("newShape"), options: a.labelOptions)
      },
      S("expand", [.operand("input", all), .integers("newShape")], output: any) { a in
        try a.builder.expand(try a.operand("input"), try a.ints("newShape"), options: a.labelOptions)
      },
      S("tile", [.operand("input", all), .integers("repetitions")], output: any) { a in
        try a.builder.tile(try a.operand("input"), try a.ints("repetitions"), options: a.labelOptions)
      },
      S("transpose", [.operand("input", all)], options: [.integers("permutation")], output: any) { a in
        let options = MLTransposeOptions(label: a.label, permutation: try a.optionalInts("permutation"))
        return try a.builder.transpose(try a.operand("input"), options: options)
      },
      S("reverse", [.operand("input", all)], options: [.integers("axes")], output: any) { a in
        let options = MLReverseOptions(label: a.label, axes: try a.optionalInts("axes"))
        return try a.builder.reverse(try a.operand("input"), options: options)
      },
      S("concat", [.operands("inputs", all, ranked), .integer("axis")], output: OperatorTable.spec(all, ranked)) { a in
        try a.builder.concat(try a.operands("inputs"), axis: try a.int("axis"), options: a.labelOptions)
      },
      S(
        "slice", [.operand("input", all), .integers("starts"), .integers("sizes")], options: [.integers("strides")],
        output: any
      ) { a in
        let options = MLSliceOptions(label: a.label, strides: try a.optionalInts("strides"))
        return try a.builder.slice(
          try a.operand("input"), starts: try a.ints("starts"), sizes: try a.ints("sizes"), options: options)
      },
      S(
        "split", [.operand("input", all, ranked), .splits("splits")], options: [.integer("axis")],
        outputs: [("outputs", OperatorTable.spec(all, ranked))]
      ) { a in
        var options = MLSplitOptions(label: a.label)
        if let v = try a.optionalInt("axis") { options.axis = v }
        return try a.builder.split(try a.operand("input"), splits: try a.splits("splits"), options: options)
      },
      S(
        "pad", [.operand("input", all), .integers("beginningPadding"), .integers("endingPadding")],
        options: [.enumeration("mode", MLPaddingMode.self), .number("value")], output: any
      ) { a in
        var options = MLPadOptions(label: a.label)
        if let v = try a.optionalEnumeration("mode", MLPaddingMode.self) { options.mode = v }
        if let v = try a.optionalNumber("value") { options.value = v }
        return try a.builder.pad(
          try a.operand("input"), beginningPadding: try a.ints("beginningPadding"),
          endingPadding: try a.ints("endingPadding"), options: options)
      },
      S(
        "triangular", [.operand("input", all, 2...OperatorTable.maxRank)],
        options: [.boolean("upper"), .integer("diagonal")], output: OperatorTable.spec(all, 2...OperatorTable.maxRank)
      ) { a in
        var options = MLTriangularOptions(label: a.label)
        if let v = try a.optionalBool("upper") { options.upper = v }
        if let v = try a.optionalInt("diagonal") { options.diagonal = v }
        return try a.builder.triangular(try a.operand("input"), options: options)
      },
      S(
        "cumulativeSum", [.operand("input", OperatorTable.reducible, ranked), .integer("axis")],
        options: [.boolean("exclusive"), .boolean("reversed")],
        output: OperatorTable.spec(OperatorTable.reducible, ranked)
      ) { a in
        var options = MLCumulativeSumOptions(label: a.label)
        if let v = try a.optionalBool("exclusive") { options.exclusive = v }
        if let v = try a.optionalBool("reversed") { options.reversed = v }
        return try a.builder.cumulativeSum(try a.operand("input"), axis: try a.int("axis"), options: options)
      },
      S(
        "resample2d", [.operand("input", [.float32, .float16, .uint8, .int8], 4...4)],
        options: [
          .enumeration("mode", MLInterpolationMode.self), .floats("scales"), .integers("sizes"), .integers("axes"),
        ],
        output: OperatorTable.spec([.float32, .float16, .uint8, .int8], 4...4)
      ) { a in
        var options = MLResample2dOptions(label: a.label)
        if let v = try a.optionalEnumeration("mode", MLInterpolationMode.self) { options.mode = v }
        options.scales = try a.optionalFloats("scales")
        options.sizes = try a.optionalInts("sizes")
        options.axes = try a.optionalInts("axes")
        return try a.builder.resample2d(try a.operand("input"), options: options)
      },
    ]
  }()
}
