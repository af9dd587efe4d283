import ArgumentParser
import ReproTensor

/// `repro random`: draw from PyTorch's CPU generator, bit for bit.
struct RandomCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "random",
    abstract: "Draw random numbers exactly as PyTorch 2.13's CPU generator does.",
    discussion: """
      Seeds a fresh generator with --seed and makes one call, as `torch.manual_seed(S)` followed \
      by `torch.rand`, `torch.randn`, `torch.randint` or `torch.randperm` would. For example \
      `repro random --seed 0 --dist normal --shape 1000 --sha256` prints the SHA-256 of the \
      bytes of `torch.manual_seed(0); torch.randn(1000)`.
      """)

  /// The distribution to draw from.
  enum Distribution: String, ExpressibleByArgument, CaseIterable {
    case uniform, normal, randint, randperm
  }

  /// The dtypes the command can produce.
  enum DTypeChoice: String, ExpressibleByArgument, CaseIterable {
    case float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8
    var dtype: DType { DType(rawValue: rawValue) ?? .float32 }
  }

  /// The kernel copy to reproduce.
  enum CapabilityChoice: String, ExpressibleByArgument, CaseIterable {
    case avx2, `default`
  }

  @Option(
    parsing: .unconditional,
    help:
      "The seed, as torch.manual_seed takes it: an integer in [-2^63, 2^64); negative values wrap modulo 2^64."
  )
  var seed: Seed

  @Option(
    help:
      "The distribution: uniform (torch.rand), normal (torch.randn), randint (torch.randint) or randperm (torch.randperm)."
  )
  var dist: Distribution

  @Option(help: "The shape as comma-separated sizes, e.g. 3,4. For randperm, the single length n.")
  var shape: ShapeArgument

  @Option(
    help:
      "The element type. Defaults to float32 for uniform and normal, int64 for randint and randperm."
  )
  var dtype: DTypeChoice?

  @Option(parsing: .unconditional, help: "The smallest value of randint (default 0).")
  var low: Int64?

  @Option(
    parsing: .unconditional, help: "One past the largest value of randint (required for randint).")
  var high: Int64?

  @Option(
    help:
      "Which PyTorch kernel copy to reproduce: avx2 (any x86-64 with AVX2/AVX-512) or default (ATEN_CPU_CAPABILITY=default)."
  )
  var capability: CapabilityChoice = .avx2

  @Flag(help: "Print only the SHA-256 of the contiguous little-endian bytes.")
  var sha256 = false

  @Flag(
    help:
      "Print a JSON object with shape, dtype, values and bits (each element's bit pattern in hex).")
  var json = false

  func validate() throws {
    if sha256 && json { throw ValidationError("--sha256 and --json cannot be combined.") }
    var total = 1
    for n in shape.sizes {
      let (p, overflow) = total.multipliedReportingOverflow(by: n)
      guard !overflow, p <= RandomCommand.maxElements else {
        throw ValidationError(
          "--shape \(shape.sizes.map(String.init).joined(separator: ",")) has more than \(RandomCommand.maxElements) elements."
        )
      }
      total = p
    }
    let resolved = resolvedDType
    switch dist {
    case .uniform, .normal:
      guard resolved.dtype.isFloatingPoint else {
        throw ValidationError(
          "--dist \(dist.rawValue) needs a floating dtype, not \(resolved.rawValue).")
      }
      if low != nil || high != nil {
        throw ValidationError("--low and --high apply to --dist randint only.")
      }
    case .randint:
      guard let high else { throw ValidationError("--dist randint needs --high.") }
      guard (low ?? 0) < high else {
        throw ValidationError("--low (\(low ?? 0)) must be less than --high (\(high)).")
      }
    case .randperm:
      guard shape.sizes.count == 1 else {
        throw ValidationError(
          "--dist randperm takes one length in --shape, not \(shape.sizes.count) sizes.")
      }
      guard resolved.dtype.isInteger else {
        throw ValidationError("--dist randperm needs an integer dtype, not \(resolved.rawValue).")
      }
      if low != nil || high != nil {
        throw ValidationError("--low and --high apply to --dist randint only.")
      }
    }
  }

  /// The largest number of elements the command draws (2^32).
  static let maxElements = 1 << 32

  var resolvedDType: DTypeChoice {
    dtype ?? (dist == .uniform || dist == .normal ? .float32 : .int64)
  }

  func run() throws {
    let g = Generator(
      seed: seed.value, capability: capability == .avx2 ? .avx2 : .default)
    let dt = resolvedDType.dtype
    let t: Tensor
    switch dist {
    case .uniform: t = try g.rand(shape: shape.sizes, dtype: dt)
    case .normal: t = try g.randn(shape: shape.sizes, dtype: dt)
    case .randint: t = try g.randint(low: low ?? 0, high: high ?? 1, shape: shape.sizes, dtype: dt)
    case .randperm: t = try g.randperm(shape.sizes[0], dtype: dt)
    }
    if sha256 {
      print(t.sha256Hex())
      return
    }
    let values = RandomCommand.render(t)
    if json {
      let shapeText = t.shape.map(String.init).joined(separator: ",")
      let bits = RandomCommand.bitPatterns(t).map { "\"\($0)\"" }.joined(separator: ",")
      print(
        "{\"shape\":[\(shapeText)],\"dtype\":\"\(t.dtype.pytorchName)\",\"values\":[\(values.joined(separator: ","))],\"bits\":[\(bits)]}"
      )
    } else {
      for v in values { print(v) }
    }
  }

  /// Each element as the shortest decimal that reads back to it in its own dtype.
  static func render(_ t: Tensor) -> [String] {
    switch t.dtype {
    case .float32: t.toArray(of: Float.self).map { $0.description }
    case .float64: t.toArray(of: Double.self).map { $0.description }
    case .float16: t.toArray(of: Float16.self).map { $0.description }
    case .bfloat16: t.toArray(of: BFloat16.self).map { $0.description }
    default: t.scalars().map { $0.description }
    }
  }

  /// Each element's bit pattern as fixed-width lowercase hex.
  static func bitPatterns(_ t: Tensor) -> [String] {
    let bytes = t.contiguousBytes()
    let width = t.dtype.elementSize
    let digits = Array("0123456789abcdef")
    return stride(from: 0, to: bytes.count, by: width).map { start in
      var s = ""
      for b in bytes[start..<(start + width)].reversed() {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 15)])
      }
      return s
    }
  }
}

/// A seed with Python-int semantics: any integer in [-2^63, 2^64), negative values wrapping.
struct Seed: ExpressibleByArgument {
  let value: UInt64
  init?(argument: String) {
    if let u = UInt64(argument) {
      value = u
    } else if let i = Int64(argument) {
      value = UInt64(bitPattern: i)
    } else {
      return nil
    }
  }
  static var defaultCompletionKind: CompletionKind { .default }
}

/// A shape written as comma-separated non-negative sizes (`3,4`).
struct ShapeArgument: ExpressibleByArgument {
  let sizes: [Int]
  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
    var sizes: [Int] = []
    for p in parts {
      guard let n = Int(p.trimmingCharacters(in: " ")), n >= 0, n <= 1 << 40 else { return nil }
      sizes.append(n)
    }
    guard !sizes.isEmpty else { return nil }
    self.sizes = sizes
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: Character) -> Substring {
    var s = self
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return s
  }
}
