import Testing

@testable import ReproNN

@Suite struct ModelSpecTests {
  @Test func parsesNestedCallsWithKeywords() throws {
    let spec = try ModelSpec(
      parsing:
        "Sequential(Conv2d(3,4,3, stride=2, padding=(1, 1)), BatchNorm2d(4), nn.ReLU(), Flatten(), Linear(144,2, bias=False))"
    )
    #expect(spec.root.name == "Sequential")
    #expect(spec.root.positional.count == 5)
    guard case .call(let conv) = spec.root.positional[0] else {
      Issue.record("not a call")
      return
    }
    #expect(conv.positional == [.int(3), .int(4), .int(3)])
    #expect(conv.keywords.map(\.name) == ["stride", "padding"])
    #expect(conv.keywords[1].value == .tuple([.int(1), .int(1)]))
    #expect(
      spec.description
        == "Sequential(Conv2d(3, 4, 3, stride=2, padding=(1, 1)), BatchNorm2d(4), ReLU(), Flatten(), Linear(144, 2, bias=False))"
    )
  }

  @Test func bareZooNameIsACallWithoutArguments() throws {
    #expect(try ModelSpec(parsing: " resnet18 ").root == ModelSpec.Call(name: "resnet18"))
    let r = try ModelSpec(parsing: "resnet18(num_classes=10)")
    #expect(r.root.keywords.first?.value == .int(10))
  }

  @Test func scalarsFollowPythonSyntax() throws {
    let s = try ModelSpec(
      parsing: "Dropout(p=0.25, inplace=False, x=None, y=-1e-3, z=(5), w=(5,), s='a b')")
    #expect(
      s.root.keywords.map(\.value) == [
        .float(0.25), .bool(false), .none, .float(-0.001), .int(5), .tuple([.int(5)]),
        .string("a b"),
      ])
  }

  @Test(arguments: [
    (
      "Sequential(Linear(5 7))",
      "expected ',' or ')' in the arguments of Linear(...) but found '7' at column 21"
    ),
    (
      "Linear(5, 7",
      "expected ',' or ')' in the arguments of Linear(...) but found end of spec at column 12"
    ),
    ("Linear(in_features=5, 7)", "positional argument follows keyword argument at column 23"),
    ("Linear(bias=True, bias=False)", "keyword argument repeated: bias at column 19"),
    ("", "empty model spec at column 1"),
    ("Linear(4,2) x", "unexpected 'x' after the model at column 13"),
    (
      "42",
      "a model spec must be a constructor call such as Linear(4, 2) or a zoo name, not 42 at column 1"
    ),
    ("Linear(4, 'abc)", "unterminated string at column 11"),
    ("Linear(4, 1.2.3)", "invalid number '1.2.3' at column 11"),
  ])
  func reportsErrorsWithTheirColumn(text: String, expected: String) {
    #expect {
      try ModelSpec(parsing: text)
    } throws: { error in
      guard let e = error as? NNError, e.code == .invalidSpec, let p = e.specPosition else {
        return false
      }
      return "\(e.message) at column \(p.offset + 1)" == expected
    }
  }

  @Test func errorDescriptionShowsACaret() {
    do {
      _ = try ModelSpec(parsing: "Linear(5 7)")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description
          == "invalid model spec: expected ',' or ')' in the arguments of Linear(...) but found '7' at column 10\n  Linear(5 7)\n           ^"
      )
    }
  }

  @Test func deepNestingIsRefusedNotOverflowed() {
    let deep = String(repeating: "Sequential(", count: 500) + String(repeating: ")", count: 500)
    #expect(throws: NNError.self) { try ModelSpec(parsing: deep) }
  }
}
