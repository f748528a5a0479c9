import FuzzSupport
import WebNNFormats

/// The `.npy` reader, then the array's values and a write back that must read the same.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let array = try? NumpyArray(npy: Array(bytes(data, size))) else { return 0 }
  _ = array.floats()
  // A shape too long for a version 1.0 header is refused by the writer, not read back.
  guard let written = try? array.npyData() else { return 0 }
  let reread = try! NumpyArray(npy: Array(written))
  precondition(reread == array, "an array read back differs from the one written")
  return 0
}

runLibFuzzer { fuzz($0, $1) }
