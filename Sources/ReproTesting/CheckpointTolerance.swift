public import ReproHarness

/// How close a candidate checkpoint must be to its reference in ``expectCheckpoint(_:matches:tolerance:stripPrefixes:only:ignore:equalNaN:fileID:filePath:line:column:)``.
///
/// ReproHarness's `Tolerance` is one rtol/atol pair; `assert_close`'s default is not one pair but
/// a table by dtype, and a bitwise check is not a tolerance at all, so the choice is its own type:
///
/// ```swift
/// try expectCheckpoint(candidate, matches: reference)                        // .assertClose
/// try expectCheckpoint(candidate, matches: reference, tolerance: .bitwise)
/// try expectCheckpoint(candidate, matches: reference,
///                      tolerance: .init(relative: 1e-3, absolute: 1e-5))
/// ```
public struct CheckpointTolerance: Sendable, Hashable, CustomStringConvertible {
  private enum Kind: Hashable, Sendable {
    case assertClose
    case bitwise
    case explicit(Tolerance)
  }
  private let kind: Kind
  private init(kind: Kind) { self.kind = kind }

  /// `torch.testing.assert_close`'s default rtol/atol of the less precise of the two dtypes
  /// (float16 1e-3/1e-5, bfloat16 1.6e-2/1e-5, float32 1.3e-6/1e-5, float64 1e-7/1e-7), on values
  /// upcast to float64; integers and bool exactly.
  public static let assertClose = CheckpointTolerance(kind: .assertClose)

  /// Bytes, dtype, shape, stride and device must be equal.
  public static let bitwise = CheckpointTolerance(kind: .bitwise)

  /// An explicit tolerance for every floating key: `|c - r| <= absolute + relative * |r|`.
  ///
  /// - Parameters:
  ///   - relative: `rtol`.
  ///   - absolute: `atol`.
  public init(relative: Double, absolute: Double) {
    kind = .explicit(Tolerance(relative: relative, absolute: absolute))
  }

  /// An explicit `Tolerance` for every floating key.
  public static func within(_ tolerance: Tolerance) -> CheckpointTolerance {
    CheckpointTolerance(kind: .explicit(tolerance))
  }

  /// `assert_close`, `bitwise`, or `rtol R, atol A`.
  public var description: String {
    switch kind {
    case .assertClose: "assert_close"
    case .bitwise: "bitwise"
    case .explicit(let t): "rtol \(t.relative), atol \(t.absolute)"
    }
  }

  /// The comparison options this tolerance stands for.
  func options(
    stripPrefixes: [String], only: [String], ignore: [String], equalNaN: Bool
  ) -> FileComparison.Options {
    var options = FileComparison.Options(
      equalNaN: equalNaN, stripPrefixes: stripPrefixes, only: only, ignore: ignore)
    switch kind {
    case .assertClose: break
    case .bitwise: options.bitwise = true
    case .explicit(let t): options.tolerance = t
    }
    return options
  }
}
