/// Where a graph's own slots live: constants packed into weight buffers, intermediates and
/// scratch space placed by liveness in one arena. Bound slots (the caller's tensors) are not
/// part of it.
struct GraphMemoryPlan: Equatable {
  /// A slot's place: which of the graph's buffers, and where in it.
  struct Placement: Equatable {
    /// `separate`: a buffer of its own, when the arena would pass the largest allocation.
    enum Pool: Hashable {
      case weights(Int)
      case arena
      case separate(Int)
    }
    var pool: Pool
    var offset: Int
    var size: Int
  }

  var placements: [Int: Placement] = [:]
  /// Byte sizes of the weight buffers, in order (several only when one would pass the device's
  /// largest allocation).
  var weightBufferSizes: [Int] = []
  /// The arena's byte size: the peak of the intermediates that are alive together.
  var arenaBytes = 0
  /// What the intermediates would take with a buffer each.
  var intermediateBytes = 0

  /// Plans the memory of `plan`'s owned slots.
  ///
  /// - Parameters:
  ///   - alignment: of every placement (the device's storage-buffer offset alignment, and at
  ///     least 16 bytes for the kernels' vec4 views).
  ///   - gap: bytes left free after every placement (the guard regions of `WEBNN_GUARD`).
  ///   - reuse: whether intermediates that are never alive at once may share bytes; off with
  ///     guard regions, whose pattern a later tensor would legitimately overwrite.
  ///   - maxBuffer: the largest buffer the device allocates.
  init(_ plan: GraphPlan, alignment: Int, gap: Int, reuse: Bool, maxBuffer: Int) {
    func rounded(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }

    // Constants and filled scratch (their bytes are written once, at build), back to back.
    var weightBuffer = 0
    var used = 0
    for slot in plan.constantData.keys.sorted() {
      let size = plan.byteLength(ofSlot: slot)
      let footprint = rounded(size + gap)
      if used > 0 && used + footprint > maxBuffer {
        weightBufferSizes.append(used)
        (weightBuffer, used) = (weightBuffer + 1, 0)
      }
      placements[slot] = Placement(pool: .weights(weightBuffer), offset: used, size: size)
      used += footprint
    }
    if used > 0 { weightBufferSizes.append(used) }

    // Every other owned slot is alive from the first dispatch that binds it to the last.
    var lifetimes: [Int: ClosedRange<Int>] = [:]
    for (index, dispatch) in plan.dispatches.enumerated() {
      for slot in dispatch.parameters.bindings
      where plan.ownedSlots[slot] != nil && plan.constantData[slot] == nil {
        let lifetime = lifetimes[slot].map { min($0.lowerBound, index)...max($0.upperBound, index) }
        lifetimes[slot] = lifetime ?? index...index
      }
    }
    // Greedy by size: the largest first, each at the lowest offset that no slot alive at the
    // same time covers (a best fit among the gaps the placed ones leave).
    let order = lifetimes.keys.sorted {
      let (a, b) = (plan.byteLength(ofSlot: $0), plan.byteLength(ofSlot: $1))
      return a != b ? a > b : $0 < $1
    }
    var placed: [(range: Range<Int>, lifetime: ClosedRange<Int>)] = []
    for slot in order {
      let size = plan.byteLength(ofSlot: slot)
      let footprint = rounded(max(size, 16) + gap)
      intermediateBytes += rounded(size)
      let lifetime = lifetimes[slot]!
      let busy =
        placed
        .filter { !reuse || $0.lifetime.overlaps(lifetime) }
        .map(\.range)
        .sorted { $0.lowerBound < $1.lowerBound }
      var offset = 0
      var best: (offset: Int, waste: Int)?
      for range in busy {
        let free = range.lowerBound - offset
        if free >= footprint, best == nil || free - footprint < best!.waste { best = (offset, free - footprint) }
        offset = max(offset, range.upperBound)
      }
      let start = best?.offset ?? offset
      placed.append((start..<start + footprint, lifetime))
      placements[slot] = Placement(pool: .arena, offset: start, size: size)
      arenaBytes = max(arenaBytes, start + footprint)
    }
    if arenaBytes > maxBuffer {
      for slot in order {
        placements[slot] = Placement(pool: .separate(slot), offset: 0, size: plan.byteLength(ofSlot: slot))
      }
      arenaBytes = 0
    }
  }
}
