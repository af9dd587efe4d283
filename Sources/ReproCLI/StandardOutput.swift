import Foundation
import ReproFormat

/// Standard output for text that names files: file names are written as the bytes they carry
/// (``PathBytes``), so a name that is not UTF-8 prints as `ls` prints it.
public enum StandardOutput {
  /// Prints `text` and a newline to standard output, after flushing what `print` buffered.
  public static func print(_ text: String) {
    _ = fflush(nil)
    FileHandle.standardOutput.write(Data(PathBytes.bytes(text + "\n")))
  }
}
