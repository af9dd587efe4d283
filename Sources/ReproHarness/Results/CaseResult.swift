public import Foundation

/// The result of one case of the matrix: one model at one point of the axes.
///
/// ```swift
/// var r = CaseResult(id: "mlp/float16/zip/state_dict/plain/reference", model: "mlp",
///                    axes: ["dtype": "float16", "format": "zip"], status: .pass)
/// r.tensors.append(TensorComparison.compare(a, golden, name: "0.weight"))
/// ```
public struct CaseResult: Sendable, Hashable, Codable {
  /// The verdict of a case, as JUnit knows them.
  public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every check passed.
    case pass
    /// A check found a difference.
    case fail
    /// The case could not run to its checks (an exception, a missing file).
    case error
    /// The case was not run (filtered out, unsupported on this machine).
    case skip
  }

  /// Why a case failed, errored or was skipped.
  public struct Failure: Sendable, Hashable, Codable {
    /// One line (JUnit's `message` attribute).
    public var message: String
    /// The kind (JUnit's `type` attribute): `ComparisonFailure`, `FormatError`, ...
    public var type: String
    /// The full text: every failing comparison's message.
    public var details: String

    /// Creates a failure record.
    public init(message: String, type: String, details: String = "") {
      self.message = message
      self.type = type
      self.details = details
    }
  }

  /// A unique id within a run, `model/dtype/device/format/mode/route/backend` by convention.
  public var id: String
  /// The model spec or zoo name.
  public var model: String
  /// The matrix axes of the case: dtype, device, format, mode, route, backend (and any other).
  public var axes: [String: String]
  /// The verdict.
  public var status: Status
  /// Wall time of the case in seconds.
  public var duration: Double
  /// Why it did not pass (nil for a pass).
  public var failure: Failure?
  /// Every tensor comparison of the case, passing ones included (they feed the plots).
  public var tensors: [ComparisonResult]
  /// When the case started.
  public var startedAt: Date
  /// When the case finished.
  public var finishedAt: Date

  /// Creates a case result.
  public init(
    id: String, model: String, axes: [String: String] = [:], status: Status, duration: Double = 0,
    failure: Failure? = nil, tensors: [ComparisonResult] = [], startedAt: Date = Date(),
    finishedAt: Date? = nil
  ) {
    self.id = id
    self.model = model
    self.axes = axes
    self.status = status
    self.duration = duration
    self.failure = failure
    self.tensors = tensors
    self.startedAt = startedAt
    self.finishedAt = finishedAt ?? startedAt.addingTimeInterval(duration)
  }

  /// A case judged by its tensor comparisons: pass when all passed, else fail with a failure
  /// naming the first failing tensor in its message and every failing tensor in its details.
  public static func judged(
    id: String, model: String, axes: [String: String], tensors: [ComparisonResult],
    startedAt: Date, finishedAt: Date
  ) -> CaseResult {
    let failed = tensors.filter { !$0.passed }
    let failure = failed.first.map { first in
      Failure(
        message: failed.count == 1
          ? first.headline : "\(first.headline) (and \(failed.count - 1) more tensors)",
        type: "ComparisonFailure",
        details: failed.map(\.message).joined(separator: "\n\n"))
    }
    return CaseResult(
      id: id, model: model, axes: axes, status: failed.isEmpty ? .pass : .fail,
      duration: finishedAt.timeIntervalSince(startedAt), failure: failure, tensors: tensors,
      startedAt: startedAt, finishedAt: finishedAt)
  }
}
