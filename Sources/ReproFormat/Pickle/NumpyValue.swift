import ReproTensor

/// A numpy value read from its pickle layout, without running numpy.
///
/// numpy pickles (protocol 2, what `torch.save` uses) look like this, and are kept as opaque
/// `.object` nodes by the unpickler (numpy is outside torch's weights-only allowlist, so they
/// load only with opaque objects allowed):
///
/// - an array: `numpy._core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` then `BUILD`
///   with `(1, shape, dtype, is_fortran, raw_bytes)` (numpy 1 writes `numpy.core.multiarray`);
/// - a scalar (`np.float64(0.875)`): `numpy._core.multiarray.scalar(dtype, raw_bytes)`;
/// - a dtype: `numpy.dtype('f8', False, True)` then `BUILD` with
///   `(3, '<', None, None, None, -1, -1, 0)` (the byte order is the second item).
///
/// Only fixed-size numeric and bool dtypes are decoded; object, string, void and datetime
/// arrays stay opaque objects. Writing the object back writes the same pickle, so nothing is
/// lost either way.
///
/// ```swift
/// if case .array(let a)? = try NumpyValue.decode(value, at: "stats/mean") {
///   a.dtype.name      // "float32"
///   a.shape           // [2, 3]
///   a.cOrderBytes     // the bytes in C order, as ndarray.tobytes() returns them
/// }
/// ```
public enum NumpyValue: Sendable {
  /// An `ndarray`.
  case array(NumpyArray)
  /// A numpy scalar (`np.float64`, `np.int64`, `np.bool_`, …).
  case scalar(NumpyScalar)
  /// A `numpy.dtype` object.
  case dtype(NumpyDType)

  static let multiarrayModules: Set<String> = ["numpy._core.multiarray", "numpy.core.multiarray"]

  /// The numpy value of a pickled object, nil if it is not one Repro decodes.
  ///
  /// - Parameters:
  ///   - value: a value of the tree (`.shared` wrappers are looked through).
  ///   - place: where the value is, named in errors (`stats/mean`).
  /// - Throws: `FormatError.Code.corrupt` when the value is numpy's layout but inconsistent
  ///   (a byte count that does not match the shape and dtype, a state of the wrong shape).
  public static func decode(_ value: PickleValue, at place: String) throws(FormatError)
    -> NumpyValue?
  {
    guard case .object(let o) = value.unshared else { return nil }
    switch (o.module, o.name) {
    case ("numpy", "dtype"):
      return try NumpyDType.decode(o, at: place).map(NumpyValue.dtype)
    case (let m, "_reconstruct") where multiarrayModules.contains(m):
      return try NumpyArray.decode(o, at: place).map(NumpyValue.array)
    case (let m, "scalar") where multiarrayModules.contains(m):
      return try NumpyScalar.decode(o, at: place).map(NumpyValue.scalar)
    default:
      return nil
    }
  }

  static func fail(_ place: String, _ what: String) -> FormatError {
    FormatError(.corrupt, "numpy value at '\(place)': \(what)")
  }

  /// The raw bytes of a pickled `bytes` value.
  static func bytes(_ v: PickleValue) -> [UInt8]? {
    if case .bytes(let b) = v.unshared { return b }
    return nil
  }
}

/// A numpy dtype of fixed-size numbers or bools (`<f4`, `>i8`, `|b1`).
public struct NumpyDType: Sendable, Hashable {
  /// numpy's kind character: `b` bool, `i` signed, `u` unsigned, `f` floating, `c` complex.
  public var kind: Character
  /// Bytes per element.
  public var itemSize: Int
  /// Whether elements are stored big-endian (`>`).
  public var isBigEndian: Bool

  /// numpy's name (`dtype.name`): `float32`, `int64`, `bool`, `complex128`.
  public var name: String {
    switch kind {
    case "b": "bool"
    case "i": "int\(itemSize * 8)"
    case "u": "uint\(itemSize * 8)"
    case "f": "float\(itemSize * 8)"
    default: "complex\(itemSize * 8)"
    }
  }

  /// `bytes` with every element (each half of a complex number) byte-reversed.
  static func swappingBytes(_ bytes: [UInt8], of dtype: NumpyDType) -> [UInt8] {
    let size = dtype.kind == "c" ? dtype.itemSize / 2 : dtype.itemSize
    guard size > 1 else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    for start in stride(from: 0, to: bytes.count, by: size) {
      out += bytes[start..<min(start + size, bytes.count)].reversed()
    }
    return out
  }

  static let sizes: [Character: Set<Int>] = [
    "b": [1], "i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "f": [2, 4, 8], "c": [8, 16],
  ]

  static func decode(_ o: PickleObject, at place: String) throws(FormatError) -> NumpyDType? {
    guard let args = o.args.elements, let code = args.first?.string else {
      throw NumpyValue.fail(place, "numpy.dtype arguments are not (str, bool, bool)")
    }
    guard let kind = code.first, let size = Int(code.dropFirst()),
      NumpyDType.sizes[kind]?.contains(size) == true
    else { return nil }
    var bigEndian = false
    if let state = o.state?.elements {
      guard state.count >= 2, let order = state[1].string else {
        throw NumpyValue.fail(place, "numpy.dtype state has no byte order")
      }
      bigEndian = order == ">"
    }
    return NumpyDType(kind: kind, itemSize: size, isBigEndian: bigEndian)
  }
}

/// A numpy array: dtype, shape and its bytes as pickled.
public struct NumpyArray: Sendable {
  /// The element type.
  public var dtype: NumpyDType
  /// The shape.
  public var shape: [Int]
  /// Whether `bytes` are in Fortran (column-major) order.
  public var isFortranOrder: Bool
  /// The data as pickled (C or Fortran order, the dtype's byte order).
  public var bytes: [UInt8]

  /// The data in C (row-major) order, as `ndarray.tobytes()` returns it; byte order unchanged.
  public var cOrderBytes: [UInt8] {
    guard isFortranOrder, shape.count > 1, !bytes.isEmpty else { return bytes }
    let size = dtype.itemSize
    let count = shape.reduce(1, *)
    // Fortran strides (in elements): the first axis varies fastest.
    var fortranStrides = [Int](repeating: 1, count: shape.count)
    for d in 1..<shape.count { fortranStrides[d] = fortranStrides[d - 1] * shape[d - 1] }
    var out = [UInt8](repeating: 0, count: bytes.count)
    var index = [Int](repeating: 0, count: shape.count)
    for i in 0..<count {
      var source = 0
      for d in 0..<shape.count { source += index[d] * fortranStrides[d] }
      out[(i * size)..<((i + 1) * size)] = bytes[(source * size)..<((source + 1) * size)]
      index.stepRowMajor(in: shape)
    }
    return out
  }

  /// The data in C order and little-endian byte order: what `ndarray.tobytes()` returns after
  /// numpy unpickles the array on a little-endian machine (numpy 2.4 loads a pickled `>f8` array
  /// as a native `<f8` one with the same values).
  public var littleEndianCOrderBytes: [UInt8] {
    let c = cOrderBytes
    guard dtype.isBigEndian else { return c }
    return NumpyDType.swappingBytes(c, of: dtype)
  }

  /// The sha256 of `littleEndianCOrderBytes`, in hex (the inventory's `sha256`).
  public var sha256Hex: String { SHA256Digest.hex(of: littleEndianCOrderBytes) }

  static func decode(_ o: PickleObject, at place: String) throws(FormatError) -> NumpyArray? {
    guard let state = o.state?.elements, state.count == 5, let version = state[0].int64,
      version == 1, let dims = state[1].elements
    else {
      throw NumpyValue.fail(
        place, "ndarray state is not (1, shape, dtype, is_fortran, data) (numpy's __setstate__)")
    }
    var shape: [Int] = []
    var count = 1
    for d in dims {
      guard let n = d.int64, n >= 0, n <= Int64(Int32.max) else {
        throw NumpyValue.fail(place, "ndarray shape holds \(d.pythonRepr)")
      }
      shape.append(Int(n))
      let (product, overflow) = count.multipliedReportingOverflow(by: Int(n))
      guard !overflow else { throw NumpyValue.fail(place, "ndarray shape \(shape) overflows") }
      count = product
    }
    guard case .dtype(let d)? = try NumpyValue.decode(state[2], at: place) else {
      if case .object(let o) = state[2].unshared, o.module == "numpy", o.name == "dtype" {
        return nil  // a dtype Repro does not decode (object, string, datetime, …)
      }
      throw NumpyValue.fail(place, "ndarray dtype is \(state[2].typeName), not a numpy.dtype")
    }
    guard let fortran = state[3].bool else {
      throw NumpyValue.fail(place, "ndarray Fortran flag is \(state[3].typeName), not a bool")
    }
    guard let data = NumpyValue.bytes(state[4]) else {
      return nil  // an object array: its data is a list of Python objects
    }
    let (needed, overflow) = count.multipliedReportingOverflow(by: d.itemSize)
    guard !overflow, data.count == needed else {
      throw NumpyValue.fail(
        place,
        "ndarray data is \(data.count) bytes, but shape \(shape) of \(d.name) needs \(overflow ? "more than Int.max" : String(needed))"
      )
    }
    return NumpyArray(dtype: d, shape: shape, isFortranOrder: fortran, bytes: data)
  }
}

/// A numpy scalar: its dtype and the bytes of its one element.
public struct NumpyScalar: Sendable {
  /// The element type (its `name` is the scalar's Python type name: `float64`).
  public var dtype: NumpyDType
  /// The element's bytes, in the dtype's byte order.
  public var bytes: [UInt8]

  /// The value as JSON (Python's `json.dumps(v.item())`): a number, `true`/`false`, a string
  /// for a non-finite float (`"nan"`), `[real, imag]` for complex numbers.
  public var jsonValue: String {
    let le = dtype.isBigEndian ? NumpyDType.swappingBytes(bytes, of: dtype) : bytes
    func unsigned(_ b: ArraySlice<UInt8>) -> UInt64 {
      b.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    func float(_ b: ArraySlice<UInt8>) -> String {
      let d: Double =
        switch b.count {
        case 2: Double(Float16(bitPattern: UInt16(unsigned(b))))
        case 4: Double(Float(bitPattern: UInt32(unsigned(b))))
        default: Double(bitPattern: unsigned(b))
        }
      return d.isFinite ? Scalar.pythonRepr(d) : JSONText.string(Scalar.pythonRepr(d))
    }
    switch dtype.kind {
    case "b": return le[0] != 0 ? "true" : "false"
    case "u": return String(unsigned(le[...]))
    case "i":
      let shift = UInt64(64 - 8 * le.count)
      return String(Int64(bitPattern: unsigned(le[...]) << shift) >> shift)
    case "f": return float(le[...])
    default:
      let half = le.count / 2
      return "[\(float(le[0..<half])), \(float(le[half...]))]"
    }
  }

  static func decode(_ o: PickleObject, at place: String) throws(FormatError) -> NumpyScalar? {
    guard let args = o.args.elements, args.count == 2 else {
      throw NumpyValue.fail(place, "numpy scalar arguments are not (dtype, data)")
    }
    guard case .dtype(let d)? = try NumpyValue.decode(args[0], at: place) else { return nil }
    guard let data = NumpyValue.bytes(args[1]) else { return nil }
    guard data.count == d.itemSize else {
      throw NumpyValue.fail(
        place, "numpy \(d.name) scalar is \(data.count) bytes, but \(d.name) needs \(d.itemSize)")
    }
    return NumpyScalar(dtype: d, bytes: data)
  }
}
