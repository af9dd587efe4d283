import FuzzSupport
import ReproFormat
import ReproTensor

// The zip reader below every torch file: the end records (zip64 included) and the central
// directory, then each record's local header and bytes, stored or inflated, with its CRC-32
// checked, and the concurrent CRC pass `loadForReading` runs.
runLibFuzzer { data, size in
  let file = Storage(bytes: fuzzInput(data, size))
  guard let zip = try? ZipArchive(bytes: file) else { return 0 }
  _ = zip.rootFolder
  for entry in zip.entries {
    _ = zip.entry(named: entry.name)
    _ = try? zip.data(for: entry)
    _ = try? zip.storage(for: entry, verifyingCRC: true)
  }
  try? zip.verifyStoredCRCs()
  return 0
}
