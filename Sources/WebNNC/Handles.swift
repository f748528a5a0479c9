import WebNNCore

/// The kinds of object a C handle can name.
enum HandleKind: String, Sendable {
  case context, builder, operand, graph, tensor
}

/// An error the C layer raises itself: a bad handle, a null pointer, a size that does not match.
struct CallError: Error {
  let status: Status
  let message: String

  static func type(_ message: String) -> CallError { CallError(status: .typeError, message: message) }
}

/// Every live object the C API has handed out, keyed by a number that is never reused. A C
/// handle is that number cast to a pointer, so a null, destroyed, stale, made-up or wrong-kind
/// handle is found out by a lookup here instead of being dereferenced.
final class HandleTable: Sendable {
  struct Entry: @unchecked Sendable {
    let kind: HandleKind
    let object: AnyObject
    /// The handle whose destruction takes this one along (a builder's context, an operand's builder).
    let owner: UInt64
  }

  private struct State {
    var next: UInt64 = 1
    var entries: [UInt64: Entry] = [:]
  }
  private let state = Locked(State())

  static let shared = HandleTable()

  /// Registers `object` and returns its handle.
  func insert(_ kind: HandleKind, _ object: AnyObject, owner: UInt64 = 0) -> OpaquePointer {
    let id = state.withLock { s in
      let id = s.next
      s.next += 1
      s.entries[id] = Entry(kind: kind, object: object, owner: owner)
      return id
    }
    return OpaquePointer(bitPattern: UInt(id))!
  }

  /// The object behind `handle`, which must be a live handle of `kind`.
  func lookup<T: AnyObject>(_ handle: OpaquePointer?, _ kind: HandleKind, as type: T.Type, argument: String) throws
    -> T
  {
    let entry = try entry(handle, kind, argument: argument)
    guard let object = entry.object as? T else {
      throw CallError(status: .unknownError, message: "\(argument): the \(kind) handle holds the wrong object")
    }
    return object
  }

  /// The handle's number, after checking that it is a live handle of `kind`.
  func id(_ handle: OpaquePointer?, _ kind: HandleKind, argument: String) throws -> UInt64 {
    _ = try entry(handle, kind, argument: argument)
    return Self.number(handle)
  }

  private func entry(_ handle: OpaquePointer?, _ kind: HandleKind, argument: String) throws -> Entry {
    let id = Self.number(handle)
    guard id != 0 else { throw CallError.type("\(argument): null \(kind) handle") }
    return try state.withLock { s in
      guard let entry = s.entries[id] else {
        throw CallError.type(
          id < s.next
            ? "\(argument): the \(kind) handle was destroyed" : "\(argument): not a \(kind) handle (unknown value)")
      }
      guard entry.kind == kind else {
        throw CallError.type("\(argument): expected a \(kind) handle, got a \(entry.kind.rawValue) handle")
      }
      return entry
    }
  }

  /// Unregisters `handle` (which must be a live handle of `kind`) with every handle it owns,
  /// transitively, and returns the objects removed, the handle's own first.
  @discardableResult
  func remove(_ handle: OpaquePointer?, _ kind: HandleKind, argument: String) throws -> [Entry] {
    let root = try id(handle, kind, argument: argument)
    return state.withLock { s in
      var removed: [Entry] = []
      var pending = [root]
      while let id = pending.popLast() {
        guard let entry = s.entries.removeValue(forKey: id) else { continue }
        removed.append(entry)
        pending += s.entries.filter { $0.value.owner == id }.map(\.key)
      }
      return removed
    }
  }

  static func number(_ handle: OpaquePointer?) -> UInt64 { UInt64(UInt(bitPattern: handle)) }
}
