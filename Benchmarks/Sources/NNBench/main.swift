import Foundation
import ReproNN
import ReproTensor

// NNBench: ResNet-18 forward (eval, no grad) at batch 1 and 8 on 224x224 float32 input, and one
// step of the MLP training recipe (forward, backward, SGD), with 2 OpenBLAS threads. Prints the
// min and median of repeated runs in milliseconds; Scripts/bench_nn_torch.py prints the same
// lines for PyTorch (torch.set_num_threads(2)).

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func measure(_ name: String, repeats: Int, _ body: () throws -> Void) rethrows {
  try body()  // warm-up
  var times: [Double] = []
  for _ in 0..<repeats {
    let t0 = now()
    try body()
    times.append(now() - t0)
  }
  times.sort()
  print(
    String(
      format: "%@: min %.3f ms, median %.3f ms (%d runs)", name, times[0] * 1e3,
      times[times.count / 2] * 1e3, repeats))
}

let args = CommandLine.arguments
let threads = args.count > 1 ? Int(args[1]) ?? 2 : 2
let perLayer = args.contains("--per-layer")
BLAS.setThreadCount(threads)
print("OpenBLAS threads: \(BLAS.threadCount)")

let resnet = try ModelFactory.make("resnet18", generator: Generator(seed: Int64(0)))
resnet.eval()
for batch in [1, 8] {
  let x = try Generator(seed: UInt64(1)).randn(shape: [batch, 3, 224, 224])
  try GradMode.$isEnabled.withValue(false) {
    try measure("resnet18 forward batch \(batch)", repeats: batch == 1 ? 10 : 5) {
      blackHole(try resnet(x))
    }
    if perLayer {
      var h = Variable(x)
      for (name, layer) in resnet.namedChildren {
        let t0 = now()
        h = name == "fc" ? try layer(h.flattened(startDim: 1)) : try layer(h)
        print(String(format: "  %@: %.3f ms", name, (now() - t0) * 1e3))
      }
    }
  }
}

let mlp = try ModelFactory.make("mlp", generator: Generator(seed: Int64(0)))
mlp.train()
let sgd = try SGD(mlp.parameters(), lr: 0.1)
try measure("mlp training step (batch 8)", repeats: 200) {
  // One step of TrainingRun's loop: the batch drawn from the data generator, then TrainingStep.
  let data = Generator(seed: UInt64(1))
  let x = try data.randn(shape: [8, 16])
  let y = try data.randn(shape: [8, 4])
  blackHole(
    try TrainingStep.mse(model: mlp, optimizer: sgd, scaler: nil, autocast: nil, x: x, y: y))
}
