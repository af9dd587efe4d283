import Foundation
import ReproFormat

/// Standard error as a `TextOutputStream`, for `print(_:to:)`.
public struct StandardError: TextOutputStream {
  /// Creates the stream.
  public init() {}

  /// Writes the text to standard error, unbuffered; file names in it are written as the bytes
  /// they carry (``PathBytes``), so a name that is not UTF-8 reads as `ls` prints it.
  public mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(PathBytes.bytes(string)))
  }

  /// Prints one line to standard error.
  public static func print(_ line: String) {
    var stream = StandardError()
    Swift.print(line, to: &stream)
  }

  /// Prints an error about a file to standard error as `repro: <file>: <error>`.
  ///
  /// - Parameters:
  ///   - error: what went wrong; its `description` is printed.
  ///   - file: the file (or files) it concerns, as the user named them.
  public static func report(_ error: any Error, file: String) {
    print("repro: \(file): \(error)")
  }
}
