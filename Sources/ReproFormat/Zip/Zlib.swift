internal import CZlib
internal import ReproTensor

/// Thin wrappers over zlib: the only file in ReproFormat that calls into `CZlib`.
///
/// Buffers may exceed 4 GiB: zlib's counters are 32-bit, so every call is fed in chunks.
enum Zlib {
  /// Largest chunk handed to one zlib call (its `uInt` counters are 32-bit).
  private static let chunk = 1 << 30

  /// The CRC-32 (ISO-HDLC, as in zip and `zlib.crc32`) of `bytes`, continuing from `crc`:
  /// libdeflate's carry-less-multiply implementation (``LibDeflate/crc32(_:continuing:)``),
  /// which gives zlib's `crc32` values several times faster.
  static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    unsafe LibDeflate.crc32(bytes, continuing: crc)
  }

  /// zlib's own `crc32` (the reference the libdeflate values are checked against).
  static func zlibCRC32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    var value = UInt(crc)
    var offset = 0
    while offset < bytes.count {
      let n = min(chunk, bytes.count - offset)
      value = unsafe CZlib.crc32(
        value, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(n))
      offset += n
    }
    return UInt32(truncatingIfNeeded: value)
  }

  /// The outcome of a raw inflate that was limited to the output buffer.
  enum InflateOutcome: Equatable {
    /// The stream ended, having produced `written` bytes and consumed `consumed` input bytes.
    case finished(written: Int, consumed: Int)
    /// The output buffer is full but the stream has not ended (it would produce more).
    case outputFull
    /// The input ended before the end-of-stream marker.
    case truncated(written: Int)
    /// The data is not a valid deflate stream; `reason` is zlib's message.
    case invalid(reason: String)
  }

  /// Inflates the raw deflate stream `input` (no zlib or gzip header, as in zip method 8) into
  /// `output`, never writing past `output.count`.
  static func inflateRaw(
    _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
  ) -> InflateOutcome {
    var stream = unsafe z_stream()
    guard
      unsafe inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        == Z_OK
    else { return .invalid(reason: "inflateInit2 failed") }
    defer { unsafe inflateEnd(&stream) }
    // zlib needs valid pointers even for empty buffers; the probe byte also detects output
    // beyond the buffer (a stream that inflates to more than declared).
    let probe = UnsafeMutablePointer<Bytef>.allocate(capacity: 1)
    defer { unsafe probe.deallocate() }
    let inBase =
      unsafe input.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? UnsafePointer(probe)
    let outBase = unsafe output.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? probe
    var consumed = 0
    var written = 0
    while true {
      let inN = min(chunk, input.count - consumed)
      unsafe stream.next_in = unsafe UnsafeMutablePointer(mutating: inBase + consumed)
      unsafe stream.avail_in = uInt(inN)
      let probing = written == output.count
      let outN = probing ? 1 : min(chunk, output.count - written)
      unsafe stream.next_out = unsafe probing ? probe : outBase + written
      unsafe stream.avail_out = uInt(outN)
      let status = unsafe inflate(&stream, Z_NO_FLUSH)
      unsafe consumed += inN - Int(stream.avail_in)
      let produced = unsafe outN - Int(stream.avail_out)
      if probing {
        if produced > 0 { return .outputFull }
      } else {
        written += produced
      }
      switch status {
      case Z_STREAM_END:
        return .finished(written: written, consumed: consumed)
      case Z_OK:
        continue
      case Z_BUF_ERROR:
        // No progress was possible: the input ran out before the end-of-stream marker.
        return .truncated(written: written)
      default:
        return unsafe .invalid(reason: message(stream))
      }
    }
  }

  private static func message(_ stream: z_stream) -> String {
    unsafe stream.msg.map { unsafe String(cString: $0) } ?? "invalid deflate data"
  }

  /// Compresses `input` as a raw deflate stream (zip method 8) at `level` (0...9).
  ///
  /// Used by tests to build deflated archives; PyTorch itself never compresses records.
  static func deflateRaw(_ input: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8] {
    var stream = unsafe z_stream()
    guard
      unsafe deflateInit2_(
        &stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
        Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { return [] }
    defer { unsafe deflateEnd(&stream) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var scratch: UInt8 = 0
    var consumed = 0
    while true {
      let inN = min(chunk, input.count - consumed)
      let last = consumed + inN == input.count
      let status = unsafe withUnsafeMutablePointer(to: &scratch) { scratchPtr -> Int32 in
        let inBase =
          unsafe input.baseAddress?.assumingMemoryBound(to: Bytef.self)
          ?? UnsafePointer(scratchPtr)
        unsafe stream.next_in = unsafe UnsafeMutablePointer(mutating: inBase + consumed)
        unsafe stream.avail_in = uInt(inN)
        return unsafe buffer.withUnsafeMutableBytes { buf -> Int32 in
          var status: Int32 = Z_OK
          repeat {
            unsafe stream.next_out = unsafe buf.start.assumingMemoryBound(to: Bytef.self)
            unsafe stream.avail_out = uInt(buf.count)
            status = unsafe CZlib.deflate(&stream, last ? Z_FINISH : Z_NO_FLUSH)
            unsafe out.append(contentsOf: buf.prefix(buf.count - Int(stream.avail_out)))
          } while unsafe stream.avail_out == 0 && status != Z_STREAM_END
          return status
        }
      }
      unsafe consumed += inN - Int(stream.avail_in)
      if status == Z_STREAM_END || (last && status != Z_OK && status != Z_BUF_ERROR) { break }
    }
    return out
  }
}

/// A raw inflate (zip method 8) that produces its output piece by piece into buffers the caller
/// gives, holding only zlib's 32 KiB window between calls.
@safe final class InflateStream {
  /// What one call to ``inflate(into:)`` did.
  enum Step: Equatable {
    /// The buffer is full; the stream may go on.
    case filled
    /// The stream ended after `written` bytes of the buffer.
    case ended(written: Int)
    /// The input ended before the end-of-stream marker, after `written` bytes of the buffer.
    case truncated(written: Int)
    /// The data is not a valid deflate stream; `reason` is zlib's message.
    case invalid(reason: String)
  }

  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeRawBufferPointer
  private let isReady: Bool
  /// Input bytes consumed so far.
  private(set) var consumed = 0
  /// Output bytes produced so far.
  private(set) var produced = 0

  /// Starts inflating `input`, which must stay valid as long as this object.
  init(input: UnsafeRawBufferPointer) {
    unsafe self.input = input
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    isReady =
      unsafe inflateInit2_(
        stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
  }

  deinit {
    if isReady { unsafe inflateEnd(stream) }
    unsafe stream.deinitialize(count: 1)
    unsafe stream.deallocate()
  }

  /// Inflates into `output` until it is full or the stream ends.
  func inflate(into output: UnsafeMutableRawBufferPointer) -> Step {
    guard isReady else { return .invalid(reason: "inflateInit2 failed") }
    var written = 0
    var probe: Bytef = 0
    while written < output.count {
      let inN = unsafe min(1 << 30, input.count - consumed)
      let outN = min(1 << 30, output.count - written)
      let status = unsafe withUnsafeMutablePointer(to: &probe) { probePointer -> Int32 in
        let inBase =
          unsafe input.baseAddress?.assumingMemoryBound(to: Bytef.self)
          ?? UnsafePointer(probePointer)
        unsafe stream.pointee.next_in = unsafe UnsafeMutablePointer(mutating: inBase + consumed)
        unsafe stream.pointee.avail_in = uInt(inN)
        unsafe stream.pointee.next_out = unsafe output.start.advanced(by: written)
          .assumingMemoryBound(to: Bytef.self)
        unsafe stream.pointee.avail_out = uInt(outN)
        return unsafe CZlib.inflate(stream, Z_NO_FLUSH)
      }
      let took = unsafe inN - Int(stream.pointee.avail_in)
      let gave = unsafe outN - Int(stream.pointee.avail_out)
      consumed += took
      written += gave
      produced += gave
      switch status {
      case Z_STREAM_END: return .ended(written: written)
      case Z_OK: continue
      case Z_BUF_ERROR: if took == 0 && gave == 0 { return .truncated(written: written) }
      default:
        return unsafe .invalid(
          reason: stream.pointee.msg.map { unsafe String(cString: $0) } ?? "invalid deflate data")
      }
    }
    return .filled
  }
}
