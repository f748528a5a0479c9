import WebNNCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C API's status codes, as `webnn.h` numbers them: 0 is success, every other value is
/// the WebNN error kind of a failure.
enum Status: Int32 {
  case ok = 0
  case typeError, dataError, operationError, notSupportedError, invalidStateError, unknownError

  init(_ kind: MLError.Kind) {
    switch kind {
    case .typeError: self = .typeError
    case .dataError: self = .dataError
    case .operationError: self = .operationError
    case .notSupportedError: self = .notSupportedError
    case .invalidStateError: self = .invalidStateError
    case .unknownError: self = .unknownError
    }
  }

  var name: String {
    switch self {
    case .ok: "OK"
    case .typeError: MLError.Kind.typeError.rawValue
    case .dataError: MLError.Kind.dataError.rawValue
    case .operationError: MLError.Kind.operationError.rawValue
    case .notSupportedError: MLError.Kind.notSupportedError.rawValue
    case .invalidStateError: MLError.Kind.invalidStateError.rawValue
    case .unknownError: MLError.Kind.unknownError.rawValue
    }
  }
}

/// One thread's last failure: its status and message as a C string the caller may hold until
/// the next failure on the same thread.
private struct ErrorSlot {
  var status: Int32
  var message: UnsafeMutablePointer<CChar>?
}

/// The per-thread slot, behind a pthread key whose destructor frees it when a thread exits.
private let errorKey: pthread_key_t = {
  var key = pthread_key_t()
  let created = pthread_key_create(&key) { raw in
    guard let slot = raw?.assumingMemoryBound(to: ErrorSlot.self) else { return }
    free(slot.pointee.message)
    slot.deinitialize(count: 1)
    slot.deallocate()
  }
  precondition(created == 0, "pthread_key_create failed")
  return key
}()

enum LastError {
  private static func slot() -> UnsafeMutablePointer<ErrorSlot> {
    if let raw = pthread_getspecific(errorKey) { return raw.assumingMemoryBound(to: ErrorSlot.self) }
    let slot = UnsafeMutablePointer<ErrorSlot>.allocate(capacity: 1)
    slot.initialize(to: ErrorSlot(status: 0, message: nil))
    pthread_setspecific(errorKey, slot)
    return slot
  }

  /// Records a failure on the calling thread and returns its status.
  static func set(_ status: Status, _ message: String) -> Int32 {
    let slot = slot()
    free(slot.pointee.message)
    slot.pointee.message = strdup(message)
    slot.pointee.status = status.rawValue
    return status.rawValue
  }

  static var status: Int32 {
    pthread_getspecific(errorKey).map { $0.assumingMemoryBound(to: ErrorSlot.self).pointee.status } ?? 0
  }

  static var message: UnsafePointer<CChar>? {
    pthread_getspecific(errorKey).flatMap { UnsafePointer($0.assumingMemoryBound(to: ErrorSlot.self).pointee.message) }
  }

  static func clear() {
    guard let raw = pthread_getspecific(errorKey) else { return }
    let slot = raw.assumingMemoryBound(to: ErrorSlot.self)
    free(slot.pointee.message)
    slot.pointee = ErrorSlot(status: 0, message: nil)
  }
}
