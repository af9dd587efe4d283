import ReproFormat
import ReproNN

/// A list of matrix cases, with the default and full matrices, filters and sharding.
public struct Matrix: Sendable {
  /// The cases, in run order.
  public var cases: [MatrixCase]
  /// The shard these cases are, when the matrix was split with `shard(_:)`.
  public var shard: MatrixShard?

  /// Creates a matrix from cases.
  public init(_ cases: [MatrixCase]) { self.cases = cases }

  /// The default matrix (`make report`, `swift test`): every model in every precision, device
  /// route and format/mode, plus the load routes and backends on the small models, with
  /// combinations that cannot exist left out (safetensors holds neither checkpoints nor modules;
  /// a module file is never loaded non-strictly).
  public static var standard: Matrix {
    var out: [MatrixCase] = []
    let storage: [(CheckpointFormat, MatrixCase.SaveMode)] = [
      (.torch, .stateDict), (.safetensors, .stateDict), (.torch, .checkpoint), (.torch, .module),
    ]
    for model in ModelZoo.names {
      for precision in MatrixCase.Precision.allCases {
        for device in MatrixCase.DeviceRoute.allCases {
          for (format, mode) in storage {
            // Training resnet18 is the benchmark's job; its whole-module file would name
            // torchvision's classes, which Repro does not write (state dicts only).
            if model == "resnet18" && (mode == .checkpoint || mode == .module) { continue }
            out.append(
              MatrixCase(
                model: model, precision: precision, device: device, format: format, mode: mode))
          }
        }
      }
      guard model != "resnet18" else { continue }
      for precision in [MatrixCase.Precision.float32, .float16, .bfloat16] {
        for route in [MatrixCase.Route.mmap, .nonStrict, .dataParallel, .castOnLoad] {
          for format in [CheckpointFormat.torch, .safetensors] {
            out.append(MatrixCase(model: model, precision: precision, format: format, route: route))
          }
        }
        for backend in [MatrixCase.Backend.reference, .blasN] {
          out.append(MatrixCase(model: model, precision: precision, backend: backend))
        }
      }
      out.append(MatrixCase(model: model, seed: 1))
      out.append(MatrixCase(model: model, seed: 42, precision: .bfloat16))
    }
    out += transformerCases
    return Matrix(out)
  }

  /// The transformer models' cases (`ModelZoo.transformerNames`).
  ///
  /// Every precision and device route as torch and safetensors state dicts (gpt_tiny's tied lm_head: one storage record in
  /// the torch file, and safetensors' refusal of shared memory), and the training checkpoint of
  /// `transformer_encoder` in float32 and float64 (autocast training of attention is not
  /// implemented). Whole modules are not written for these classes.
  static var transformerCases: [MatrixCase] {
    var out: [MatrixCase] = []
    for model in ModelZoo.transformerNames {
      for precision in MatrixCase.Precision.allCases {
        for device in MatrixCase.DeviceRoute.allCases {
          for format in [CheckpointFormat.torch, .safetensors] {
            out.append(
              MatrixCase(
                model: model, precision: precision, device: device, format: format,
                mode: .stateDict))
          }
          if model == "transformer_encoder" && (precision == .float32 || precision == .float64) {
            out.append(
              MatrixCase(model: model, precision: precision, device: device, mode: .checkpoint))
          }
        }
      }
    }
    return out
  }

  /// The full matrix: every axis crossed, minus impossible combinations.
  public static var full: Matrix {
    var out: [MatrixCase] = []
    for model in ModelZoo.names {
      for precision in MatrixCase.Precision.allCases {
        for device in MatrixCase.DeviceRoute.allCases {
          for format in [CheckpointFormat.torch, .safetensors] {
            for mode in MatrixCase.SaveMode.allCases where format == .torch || mode == .stateDict {
              for route in MatrixCase.Route.allCases
              where mode == .stateDict || route == .plain || route == .mmap {
                for backend in MatrixCase.Backend.allCases {
                  out.append(
                    MatrixCase(
                      model: model, precision: precision, device: device, format: format,
                      mode: mode, route: route, backend: backend))
                }
              }
            }
          }
        }
      }
    }
    return Matrix(out)
  }

  /// The cases matching every `axis=value[|value…]` term of a filter such as
  /// `dtype=float16,format=safetensors` (`|` separates alternatives).
  ///
  /// - Throws: `HarnessError` `.invalidFilter` for a term without `=` or an unknown axis name.
  public func filtered(_ filter: String) throws(HarnessError) -> Matrix {
    let parsed = try SuiteFilter(parsing: filter)
    try parsed.validate(axes: Set(MatrixCase(model: "mlp").axes.map(\.name)))
    return Matrix(
      cases.filter { c in
        parsed.matches(
          Dictionary(c.axes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }))
      })
  }

  /// The cases of one shard (`--shard 2/4`): every `count`-th case, starting at `index`.
  public func shard(_ shard: MatrixShard) -> Matrix {
    var part = Matrix(shard.select(cases))
    part.shard = shard
    return part
  }
}
