import ArgumentParser
import ReproCLI
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
  var dist: RandomDistribution

  @Option(help: "The shape as comma-separated sizes, e.g. 3,4. For randperm, the single length n.")
  var shape: ShapeArgument

  @Option(
    help:
      "The element type. Defaults to float32 for uniform and normal, int64 for randint and randperm."
  )
  var dtype: RandomDTypeChoice?

  @Option(parsing: .unconditional, help: "The smallest value of randint (default 0).")
  var low: Int64?

  @Option(
    parsing: .unconditional, help: "One past the largest value of randint (required for randint).")
  var high: Int64?

  @Option(
    help:
      "Which PyTorch kernel copy to reproduce: avx2 (any x86-64 with AVX2/AVX-512) or default (ATEN_CPU_CAPABILITY=default)."
  )
  var capability: Generator.Capability = .avx2

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

  var resolvedDType: RandomDTypeChoice { dtype ?? dist.defaultDType }

  func run() throws {
    let t = try dist.draw(
      from: Generator(seed: seed.value, capability: capability), shape: shape.sizes,
      dtype: resolvedDType.dtype, low: low ?? 0, high: high ?? 1)
    if sha256 {
      print(t.sha256Hex())
    } else if json {
      print(RandomText.json(t))
    } else {
      for v in RandomText.values(t) { print(v) }
    }
  }
}
