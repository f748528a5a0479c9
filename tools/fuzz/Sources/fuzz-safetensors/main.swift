import FuzzSupport
import WebNNCore
import WebNNFormats

/// The safetensors reader on a mapped file, then every tensor's bytes through each accessor and
/// into a builder constant.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let url = ScratchFile.write(UnsafeRawBufferPointer(bytes(data, size)))
  guard let file = try? SafetensorsFile(url) else { return 0 }
  let builder = MLGraphBuilder(validationContext)
  for name in file.names {
    _ = try? file.floats(name)
    _ = try? file.constant(name, in: builder)
  }
  return 0
}

runLibFuzzer { fuzz($0, $1) }
