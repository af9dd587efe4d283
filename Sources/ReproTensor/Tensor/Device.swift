/// A device tag such as `cpu`, `cuda:0`, `mps` or `meta`, parsed and printed as PyTorch does.
///
/// Repro computes everything on the CPU; the tag records where PyTorch placed (or will place) a
/// storage, so that a file saved on `cuda:0` round-trips with its tags intact.
///
/// ```swift
/// let d = try Device(parsing: "cuda:1")   // Device(type: .cuda, index: 1)
/// d.description                           // "cuda:1"
/// ```
public struct Device: Hashable, Sendable, Codable {
  /// The device kind (`cpu`, `cuda`, `mps`, `meta`, or another backend name PyTorch knows).
  public var type: String
  /// The device index, or nil when none was given (`cuda` means "the current CUDA device").
  public var index: Int?

  /// Creates a tag from a kind and an optional index.
  public init(type: String, index: Int? = nil) {
    self.type = type
    self.index = index
  }

  /// The CPU.
  public static let cpu = Device(type: "cpu")
  /// The meta device: shapes and dtypes without data.
  public static let meta = Device(type: "meta")
  /// Apple's Metal device.
  public static let mps = Device(type: "mps")
  /// A CUDA device with the given index.
  public static func cuda(_ index: Int = 0) -> Device { Device(type: "cuda", index: index) }

  /// The backends PyTorch accepts in a device string.
  public static let knownTypes: Set<String> = [
    "cpu", "cuda", "mps", "meta", "xpu", "hpu", "xla", "mtia", "privateuseone", "ipu", "vulkan",
    "lazy", "ve", "fpga", "maia", "opengl", "opencl", "ideep", "mkldnn", "hip", "ort",
  ]

  /// Parses a PyTorch device string (`cpu`, `cuda`, `cuda:0`, `mps`, `meta`).
  ///
  /// - Throws: `TensorError` with code `.invalidDevice` when the string is not a device, with
  ///   PyTorch's wording for the common mistakes.
  public init(parsing string: String) throws(TensorError) {
    let parts = string.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let kind = String(parts[0])
    guard Device.knownTypes.contains(kind) else {
      throw TensorError(
        .invalidDevice,
        "Expected one of \(Device.knownTypes.sorted().joined(separator: ", ")) device type at start of device string: \(string)"
      )
    }
    var index: Int?
    if parts.count == 2 {
      let text = parts[1]
      guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }),
        !(text.count > 1 && text.first == "0"), let i = Int(text)
      else {
        throw TensorError(.invalidDevice, "Invalid device string: '\(string)'")
      }
      index = i
    }
    self.init(type: kind, index: index)
  }

  /// Whether this tag names the CPU.
  public var isCPU: Bool { type == "cpu" }
}

extension Device: CustomStringConvertible {
  /// `cpu`, `cuda:0`: the form PyTorch prints and writes into checkpoint files.
  public var description: String {
    if let index { "\(type):\(index)" } else { type }
  }
}
