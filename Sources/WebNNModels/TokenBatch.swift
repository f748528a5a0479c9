/// Sentences tokenized together: every row padded with `[PAD]` to the longest, an attention
/// mask of 1 for real tokens and 0 for padding, and token type ids (all 0: one segment each).
///
/// ```swift
/// let batch = tokenizer.encodeBatch(["a short one", "and a somewhat longer sentence"], maxLength: 256)
/// print(batch.count, batch.length)  // 2 sentences, padded to the longer one's tokens
/// ```
public struct TokenBatch: Sendable, Equatable {
  /// Sentences.
  public let count: Int
  /// Tokens per row after padding.
  public let length: Int
  /// Token ids, row-major [count, length].
  public let ids: [Int]
  /// 1 for a real token, 0 for padding, row-major [count, length].
  public let attentionMask: [Int]
  /// The segment of each token, row-major [count, length]; 0 for single sentences.
  public let typeIDs: [Int]

  /// The ids of row `index` without its padding.
  public func row(_ index: Int) -> [Int] {
    let start = index * length
    return (0..<length).filter { attentionMask[start + $0] != 0 }.map { ids[start + $0] }
  }
}

extension WordPieceTokenizer {
  /// Encodes `texts` with ``encode(_:maxLength:)`` and pads them to a common length.
  ///
  /// ```swift
  /// let batch = tokenizer.encodeBatch(["Hello, world!", "Hi"], maxLength: 256)
  /// ```
  public func encodeBatch(_ texts: [String], maxLength: Int = 512) -> TokenBatch {
    let rows = texts.map { encode($0, maxLength: maxLength) }
    let length = rows.map(\.count).max() ?? 0
    var ids: [Int] = []
    var mask: [Int] = []
    ids.reserveCapacity(rows.count * length)
    mask.reserveCapacity(rows.count * length)
    for row in rows {
      ids += row + Array(repeating: paddingID, count: length - row.count)
      mask += Array(repeating: 1, count: row.count) + Array(repeating: 0, count: length - row.count)
    }
    return TokenBatch(
      count: rows.count, length: length, ids: ids, attentionMask: mask,
      typeIDs: Array(repeating: 0, count: ids.count))
  }
}

extension TokenBatch {
  /// The batch with every row padded (`paddingID`, mask 0) to a multiple of `multiple` tokens,
  /// at most `limit`. Padding changes no embedding, since the mask hides it from attention and
  /// pooling.
  ///
  /// ```swift
  /// let padded = batch.padded(toMultipleOf: 8, limit: 512, paddingID: 0)  // 11 tokens -> 16
  /// ```
  public func padded(toMultipleOf multiple: Int, limit: Int, paddingID: Int) -> TokenBatch {
    let target = max(length, min(limit, (length + multiple - 1) / multiple * multiple))
    guard target > length else { return self }
    let extra = target - length
    func widen(_ values: [Int], _ fill: Int) -> [Int] {
      (0..<count).flatMap { values[($0 * length)..<(($0 + 1) * length)] + Array(repeating: fill, count: extra) }
    }
    return TokenBatch(
      count: count, length: target, ids: widen(ids, paddingID), attentionMask: widen(attentionMask, 0),
      typeIDs: widen(typeIDs, 0))
  }
}
