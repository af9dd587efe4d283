import CLibFuzzer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// libFuzzer's callback: one input, `size` bytes at `data` (nil when empty); returns 0.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs libFuzzer with the process's arguments and `testOneInput` as the target, then exits with
/// libFuzzer's status.
///
/// A fuzz target's `main.swift` calls this with a closure that captures nothing. libFuzzer reads
/// its flags and corpus folders from the command line (`-help=1` lists them); a crash, leak,
/// out-of-memory or timeout ends the process with a non-zero status and writes the input under
/// `-artifact_prefix`.
///
/// - Parameter testOneInput: reads one input; it must not keep state between calls.
public func runLibFuzzer(_ testOneInput: FuzzCallback) -> Never {
  var argc = CommandLine.argc
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
  let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
  exit(status)
}

/// The bytes of one input, copied (libFuzzer owns `data` only for the call).
///
/// - Parameters:
///   - data: the input's first byte, or nil for an empty input.
///   - size: the input's length.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
  guard let data, size > 0 else { return [] }
  return Array(UnsafeBufferPointer(start: data, count: size))
}
