import ReproTensor

/// Elementwise arithmetic with broadcasting; gradients are summed back to each input's shape.
extension Variable {
  /// `g` summed over the dimensions that broadcasting added or expanded, reshaped to `shape`
  /// (PyTorch's `sum_to`).
  static func sumToShape(_ g: Tensor, _ shape: [Int]) throws -> Tensor {
    if g.shape == shape { return g }
    let lead = g.rank - shape.count
    var dims = Array(0..<lead)
    for (i, n) in shape.enumerated() where n == 1 && g.shape[lead + i] != 1 {
      dims.append(lead + i)
    }
    let s = dims.isEmpty ? g : try g.sum(dims: dims, keepdim: true)
    return try s.reshaped(shape)
  }

  /// `self + other` with broadcasting (`torch.add`).
  public func add(_ other: Variable) throws -> Variable {
    let (sa, sb) = (shape, other.shape)
    return Variable.record(try value.add(other.value), name: "AddBackward0", inputs: [self, other])
    { (g, needs) throws in
      [
        needs[0] ? try Variable.sumToShape(g, sa) : nil,
        needs[1] ? try Variable.sumToShape(g, sb) : nil,
      ]
    }
  }

  /// `self - other` with broadcasting (`torch.sub`).
  public func sub(_ other: Variable) throws -> Variable {
    let (sa, sb) = (shape, other.shape)
    return Variable.record(try value.sub(other.value), name: "SubBackward0", inputs: [self, other])
    { (g, needs) throws in
      [
        needs[0] ? try Variable.sumToShape(g, sa) : nil,
        needs[1] ? try Variable.sumToShape(g.neg(), sb) : nil,
      ]
    }
  }

  /// `self * other` with broadcasting (`torch.mul`).
  public func mul(_ other: Variable) throws -> Variable {
    let (a, b) = (value, other.value)
    return Variable.record(try a.mul(b), name: "MulBackward0", inputs: [self, other]) {
      (g, needs) throws in
      [
        needs[0] ? try Variable.sumToShape(g.mul(b), a.shape) : nil,
        needs[1] ? try Variable.sumToShape(g.mul(a), b.shape) : nil,
      ]
    }
  }

  /// `self / other` with broadcasting (`torch.div`): gradients `g / b` and `-g · a / b²`
  /// (PyTorch's `div_tensor_other_backward`: `-grad * (self / other) / other`).
  public func div(_ other: Variable) throws -> Variable {
    let (a, b) = (value, other.value)
    return Variable.record(try a.div(b), name: "DivBackward0", inputs: [self, other]) {
      (g, needs) throws in
      [
        needs[0] ? try Variable.sumToShape(g.div(b), a.shape) : nil,
        needs[1] ? try Variable.sumToShape(g.neg().mul(a.div(b)).div(b), b.shape) : nil,
      ]
    }
  }

  /// `self + c` for a number.
  public func add(_ c: Double) throws -> Variable {
    Variable.record(try value.add(c), name: "AddBackward1", inputs: [self]) { g, _ in [g] }
  }

  /// `self * c` for a number; gradient `g * c`.
  public func mul(_ c: Double) throws -> Variable {
    Variable.record(try value.mul(c), name: "MulBackward1", inputs: [self]) {
      (g, _) throws in [try g.mul(c)]
    }
  }

  /// `self / c` for a number; gradient `g / c`.
  public func div(_ c: Double) throws -> Variable {
    Variable.record(try value.div(c), name: "DivBackward1", inputs: [self]) {
      (g, _) throws in [try g.div(c)]
    }
  }

  /// `-self`.
  public func neg() throws -> Variable {
    Variable.record(try value.neg(), name: "NegBackward0", inputs: [self]) {
      (g, _) throws in [try g.neg()]
    }
  }

  /// `self ** exponent` (`torch.pow` with a number): gradient `g · (e · x^(e−1))`, as PyTorch's
  /// `pow_backward` (for `e == 2`: `g · (2 · x)`); exponent 0 gives a zero gradient.
  public func pow(_ exponent: Double) throws -> Variable {
    let x = value
    return Variable.record(try x.pow(exponent), name: "PowBackward0", inputs: [self]) {
      (g, _) throws in
      if exponent == 0 { return [try g.mul(0.0)] }
      let derivative = exponent == 2 ? try x.mul(2.0) : try x.pow(exponent - 1).mul(exponent)
      return [try g.mul(derivative)]
    }
  }

  /// `lhs.add(rhs)`.
  public static func + (lhs: Variable, rhs: Variable) throws -> Variable {
    try lhs.add(rhs)
  }
  /// `lhs.sub(rhs)`.
  public static func - (lhs: Variable, rhs: Variable) throws -> Variable {
    try lhs.sub(rhs)
  }
  /// `lhs.mul(rhs)`.
  public static func * (lhs: Variable, rhs: Variable) throws -> Variable {
    try lhs.mul(rhs)
  }
  /// `lhs.div(rhs)`.
  public static func / (lhs: Variable, rhs: Variable) throws -> Variable {
    try lhs.div(rhs)
  }
}
