/// A case of the built-in round-trip matrix as a suite case, run by its `MatrixRunner` in the
/// context it is given.
///
/// Made by `MatrixRunner.suiteCases(_:)`; its id, model and axes are the matrix case's
/// (`mlp/s0/float16/cuda0/torch/state_dict/mmap/blas1`), so reports read as they always did.
public struct MatrixSuiteCase: SuiteCase {
  /// The matrix case.
  public var matrixCase: MatrixCase
  /// The runner whose model and output caches the matrix's cases share.
  let runner: MatrixRunner

  init(matrixCase: MatrixCase, runner: MatrixRunner) {
    self.matrixCase = matrixCase
    self.runner = runner
  }

  /// The matrix case's id.
  public var id: String { matrixCase.id }
  /// The zoo model.
  public var model: String { matrixCase.model }
  /// The matrix axes (model, seed, dtype, device, format, mode, route, backend).
  public var axes: [String: String] {
    Dictionary(matrixCase.axes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
  }

  /// Runs the case with the context's golden store, scratch folder and threads.
  public func run(in context: SuiteContext) -> CaseResult {
    runner.with(context).run(matrixCase)
  }
}
