public import Foundation
import Synchronization

/// The built `repro` executable, run end to end as a user would.
///
/// It is found in the build folder of the running test bundle (`swift build` puts every
/// product there), whatever the configuration or triple: never a fixed `.build/debug`.
///
/// ```swift
/// let r = try ReproBinary.run(["inspect", path, "--json"])
/// #expect(r.status == 0, "\(r.stderr)")
/// ```
public enum ReproBinary {
  /// The executable's name.
  public static let name = "repro"

  /// The folders that may hold the products of this build: the folder of the `.xctest` bundle
  /// (macOS), and the folder of the running executable (Linux, where the test bundle is an
  /// executable).
  public static var buildFolders: [URL] {
    var folders: [URL] = []
    #if canImport(Darwin)
      // Linux's Bundle.allBundles leaks the array it copies (LeakSanitizer, swift 6.3), and the
      // test bundle is an executable there, found below.
      for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        folders.append(bundle.bundleURL.deletingLastPathComponent())
      }
    #endif
    if let executable = Bundle.main.executableURL {
      folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
    }
    if let argument = CommandLine.arguments.first, argument.contains("/") {
      folders.append(
        URL(fileURLWithPath: argument).resolvingSymlinksInPath().deletingLastPathComponent())
    }
    return folders
  }

  /// The executable, found in one of `buildFolders`.
  ///
  /// - Throws: `TestSupportError` naming the folders searched when it is not built.
  public static func url() throws(TestSupportError) -> URL {
    let folders = buildFolders
    for folder in folders {
      let candidate = folder.appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw TestSupportError(
      "no \(name) executable in the test bundle's build folder (\(folders.map(\.path).joined(separator: ", "))): run `swift build` first"
    )
  }

  /// Runs the executable and waits for it.
  ///
  /// Standard input is empty; `COLUMNS=80` makes help screens wrap as on an 80-column terminal
  /// whatever the caller's terminal. Both outputs are read concurrently, so a command printing
  /// a lot cannot block.
  ///
  /// - Parameters:
  ///   - arguments: the command line after `repro`.
  ///   - environment: variables added to (or replacing those of) this process's environment.
  ///   - currentDirectory: the folder the command runs in (default: this process's).
  /// - Returns: the exit status and everything written to standard output and error.
  /// - Throws: `TestSupportError` when the executable is not built, or the error of starting it.
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil
  ) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = try url()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(
      ["COLUMNS": "80"].merging(environment) { $1 }
    ) { $1 }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe()
    let err = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let errorData = ErrorPipeReader(err.fileHandleForReading)
    let outputData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = errorData.wait()
    process.waitUntilExit()
    return (
      process.terminationStatus, String(decoding: outputData, as: UTF8.self),
      String(decoding: stderrData, as: UTF8.self)
    )
  }
}

/// Reads a pipe to its end on another thread.
private final class ErrorPipeReader: Sendable {
  private let data = Mutex(Data())
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      let read = handle.readDataToEndOfFile()
      data.withLock { $0 = read }
      done.signal()
    }
  }

  func wait() -> Data {
    done.wait()
    return data.withLock { $0 }
  }
}
