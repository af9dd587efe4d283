#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
#if os(Linux)
  import CLinuxIO
#endif

/// Thin wrappers over the POSIX calls ReproFormat's file I/O needs: the only file that calls them.
///
/// Each wrapper retries on `EINTR` where that applies and turns a failure into a `FormatError`
/// with code `.io` that names the operation, the path and `strerror(errno)`.
enum Syscalls {
  static func errorText(_ code: Int32) -> String { unsafe String(cString: strerror(code)) }

  static func failure(_ what: String, _ path: String, errno code: Int32 = errno) -> FormatError {
    FormatError(.io, "\(what) \(path): \(errorText(code)) (errno \(code))")
  }

  /// Opens `path` with `flags` (and `mode` when creating); returns the descriptor.
  static func open(_ path: String, _ flags: Int32, mode: UInt32 = 0o644) throws(FormatError)
    -> Int32
  {
    while true {
      let fd = unsafe PathBytes.withCString(path) { cPath in
        #if canImport(Darwin)
          Darwin.open(cPath, flags | O_CLOEXEC, mode_t(mode))
        #else
          unsafe Glibc.open(cPath, flags | O_CLOEXEC, mode_t(mode))
        #endif
      }
      if fd >= 0 { return fd }
      if errno != EINTR { throw failure("cannot open", path) }
    }
  }

  /// Opens `path` read-only.
  static func openForReading(_ path: String) throws(FormatError) -> Int32 {
    try open(path, O_RDONLY)
  }

  /// Creates `path`, failing if it exists, open for writing.
  static func createExclusive(_ path: String, mode: UInt32) throws(FormatError) -> Int32 {
    try open(path, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
  }

  /// Closes `fd`, reporting errors (a failed close can mean lost writes on NFS).
  static func close(_ fd: Int32, path: String) throws(FormatError) {
    #if canImport(Darwin)
      let r = Darwin.close(fd)
    #else
      let r = Glibc.close(fd)
    #endif
    if r != 0 && errno != EINTR { throw failure("cannot close", path) }
  }

  /// Flushes a folder's entries (a rename) to disk.
  ///
  /// File systems that cannot sync a folder
  /// (`EINVAL`, `ENOTSUP`) are accepted silently.
  static func syncDirectory(_ path: String) throws(FormatError) {
    let fd = try open(path, O_RDONLY)
    defer { close(fd) }
    #if canImport(Darwin)
      let r = Darwin.fsync(fd)
    #else
      let r = Glibc.fsync(fd)
    #endif
    if r != 0 && errno != EINVAL && errno != ENOTSUP && errno != EINTR {
      throw failure("cannot fsync folder", path)
    }
  }

  static func close(_ fd: Int32) {
    #if canImport(Darwin)
      _ = Darwin.close(fd)
    #else
      _ = Glibc.close(fd)
    #endif
  }

  /// The size of the open file and whether it is a regular file.
  static func fileSize(_ fd: Int32, path: String) throws(FormatError) -> (
    size: Int, isRegular: Bool
  ) {
    var info = stat()
    guard unsafe fstat(fd, &info) == 0 else { throw failure("cannot stat", path) }
    return (Int(info.st_size), (info.st_mode & S_IFMT) == S_IFREG)
  }

  /// Maps `count` bytes of `fd` read-only and private.
  static func mapReadOnly(_ fd: Int32, count: Int, path: String) throws(FormatError)
    -> UnsafeRawPointer
  {
    let p = unsafe mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let p = unsafe p, unsafe p != MAP_FAILED else { throw failure("cannot memory-map", path) }
    return UnsafeRawPointer(p)
  }

  /// The size of a memory page.
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Drops the pages of a read-only private file mapping in `base..<base+count` (page-aligned)
  /// from this process (`madvise(MADV_DONTNEED)`); reading them again maps the file's data again.
  static func dropPages(_ base: UnsafeRawPointer, count: Int) {
    _ = unsafe madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_DONTNEED)
  }

  static func unmap(_ base: UnsafeRawPointer, count: Int) {
    _ = unsafe munmap(UnsafeMutableRawPointer(mutating: base), count)
  }

  /// Reads exactly `buffer.count` bytes from `fd` at `offset`; fails on a short file.
  static func read(
    _ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String
  ) throws(FormatError) {
    var done = 0
    while done < buffer.count {
      let n = unsafe pread(
        fd, buffer.start + done, min(buffer.count - done, 1 << 30),
        off_t(offset + done))
      if n > 0 {
        done += n
      } else if n == 0 {
        throw FormatError(
          .io, "\(path): file shrank while reading (\(done) of \(buffer.count) bytes)")
      } else if errno != EINTR {
        throw failure("cannot read", path)
      }
    }
  }

  /// Writes all of `bytes` to `fd`, retrying short writes.
  static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(FormatError)
  {
    guard let base = bytes.baseAddress else { return }
    var done = 0
    while done < bytes.count {
      #if canImport(Darwin)
        let n = Darwin.write(fd, base + done, min(bytes.count - done, 1 << 30))
      #else
        let n = unsafe Glibc.write(fd, base + done, min(bytes.count - done, 1 << 30))
      #endif
      if n >= 0 {
        done += n
      } else if errno != EINTR {
        throw failure("cannot write", path)
      }
    }
  }

  /// Starts writing `fd`'s dirty pages to disk without waiting for them.
  ///
  /// Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`: a later `fsync` has less left to wait
  /// for. Best effort: a descriptor that cannot (a pipe, another system) is left alone.
  static func startWriteback(_ fd: Int32) {
    #if os(Linux)
      _ = CLinuxIO.sync_file_range(fd, 0, 0, CLINUXIO_SYNC_FILE_RANGE_WRITE)
    #endif
  }

  static func fsync(_ fd: Int32, path: String) throws(FormatError) {
    while true {
      #if canImport(Darwin)
        let r = Darwin.fsync(fd)
      #else
        let r = Glibc.fsync(fd)
      #endif
      if r == 0 { return }
      if errno != EINTR { throw failure("cannot fsync", path) }
    }
  }

  static func rename(_ from: String, _ to: String) throws(FormatError) {
    let r = unsafe PathBytes.withCString(from) { f in
      unsafe PathBytes.withCString(to) { t in
        #if canImport(Darwin)
          Darwin.rename(f, t)
        #else
          unsafe Glibc.rename(f, t)
        #endif
      }
    }
    guard r == 0 else { throw failure("cannot rename \(from) to", to) }
  }

  /// Removes `path`; returns whether it succeeded.
  @discardableResult
  static func unlink(_ path: String) -> Bool {
    unsafe PathBytes.withCString(path) { p in
      #if canImport(Darwin)
        Darwin.unlink(p) == 0
      #else
        unsafe Glibc.unlink(p) == 0
      #endif
    }
  }

  /// This process's id.
  static func processID() -> Int32 { getpid() }

  /// Whether no process with id `pid` runs on this host any more.
  ///
  /// `kill(pid, 0)` fails with `ESRCH`; a process of another user (`EPERM`) still runs.
  static func isProcessGone(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// The host name (`gethostname`), or an empty string.
  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    let r = unsafe buffer.withUnsafeMutableBufferPointer { b in
      guard let base = b.baseAddress else { return Int32(-1) }
      return unsafe gethostname(base, b.count - 1)
    }
    guard r == 0 else { return "" }
    return String(
      decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The raw names in folder `path` (without `.` and `..`), or nil when it cannot be read.
  static func directoryEntries(_ path: String) -> [[UInt8]]? {
    guard let dir = unsafe PathBytes.withCString(path, { unsafe opendir($0) }) else { return nil }
    defer { _ = unsafe closedir(dir) }
    var out: [[UInt8]] = []
    // glibc's entries are only `d_reclen` bytes long: `d_name` is read up to its NUL through a
    // pointer, never copied as the full 256-byte field (AddressSanitizer: heap-buffer-overflow).
    let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 0
    while let entry = unsafe readdir(dir) {
      let field = unsafe UnsafeRawPointer(entry).advanced(by: nameOffset)
      let length = unsafe strlen(field.assumingMemoryBound(to: CChar.self))
      let name = unsafe Array(UnsafeRawBufferPointer(start: field, count: length))
      if name != [0x2E] && name != [0x2E, 0x2E] { out.append(name) }
    }
    return out
  }

  /// Removes the entry `name` (raw bytes) of `folder`; returns whether it succeeded.
  @discardableResult
  static func unlink(_ name: [UInt8], inFolder folder: String) -> Bool {
    var path = PathBytes.bytes(folder)
    path.append(0x2F)
    path += name
    path.append(0)
    return unsafe path.withUnsafeBytes { raw in
      guard let c = unsafe raw.baseAddress?.assumingMemoryBound(to: CChar.self) else {
        return false
      }
      #if canImport(Darwin)
        return unsafe Darwin.unlink(c) == 0
      #else
        return unsafe Glibc.unlink(c) == 0
      #endif
    }
  }

  /// Opens an unnamed regular file in `folder` for writing (`O_TMPFILE`), that
  /// ``link(openFile:to:)`` can give a name later; nil where the system or the file system
  /// cannot (not Linux, `EOPNOTSUPP`, no `/proc/self/fd` to link it through), or on any other
  /// failure: the caller falls back to a named temporary file, whose error it then reports.
  static func openUnnamed(inFolder folder: String, mode: UInt32) -> Int32? {
    #if os(Linux)
      // O_TMPFILE is __O_TMPFILE | O_DIRECTORY; Glibc's Swift module hides it (_GNU_SOURCE).
      #if arch(x86_64) || arch(arm64) || arch(i386) || arch(arm)
        let tmpFile: Int32 = 0o20_000_000 | O_DIRECTORY
      #else
        return nil
      #endif
      guard let fd = try? open(folder, O_WRONLY | tmpFile, mode: mode) else { return nil }
      let proc = "/proc/self/fd/\(fd)"
      guard unsafe PathBytes.withCString(proc, { unsafe access($0, F_OK) }) == 0 else {
        close(fd)
        return nil
      }
      return fd
    #else
      return nil
    #endif
  }

  /// Gives the unnamed file open as `fd` (from ``openUnnamed(inFolder:mode:)``) the name `path`
  /// (`linkat` through `/proc/self/fd`, which needs no privilege, unlike `AT_EMPTY_PATH`).
  static func link(openFile fd: Int32, to path: String) throws(FormatError) {
    #if os(Linux)
      let proc = "/proc/self/fd/\(fd)"
      let r = unsafe PathBytes.withCString(proc) { from in
        unsafe PathBytes.withCString(path) { to in
          unsafe linkat(AT_FDCWD, from, AT_FDCWD, to, AT_SYMLINK_FOLLOW)
        }
      }
      guard r == 0 else { throw failure("cannot link the unnamed temporary file to", path) }
    #else
      throw FormatError(.io, "cannot link an unnamed temporary file to \(path) on this system")
    #endif
  }

  /// The device and inode of what `path` names, following symbolic links (`stat`), or nil when
  /// it does not exist or cannot be reached.
  static func identity(_ path: String) -> (device: UInt64, inode: UInt64)? {
    var info = stat()
    guard unsafe PathBytes.withCString(path, { unsafe stat($0, &info) }) == 0 else { return nil }
    return (UInt64(info.st_dev), UInt64(info.st_ino))
  }
}
