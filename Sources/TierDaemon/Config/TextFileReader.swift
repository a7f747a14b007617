import SystemPackage

/// Reads a whole config-sized text file, turning failures into a whole-file
/// `ConfigError` ("cannot read: No such file or directory") instead of a crash.
enum TextFileReader {
    static func read(path: String) -> Result<String, ConfigError> {
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), .readOnly)
            return try descriptor.closeAfter {
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                    if count == 0 { break }
                    bytes.append(contentsOf: chunk[0..<count])
                }
                return .success(String(decoding: bytes, as: UTF8.self))
            }
        } catch let error as Errno {
            return .failure(ConfigError(file: path, line: 0, message: "cannot read: \(error.description)"))
        } catch {
            return .failure(ConfigError(file: path, line: 0, message: "cannot read: \(error)"))
        }
    }
}
