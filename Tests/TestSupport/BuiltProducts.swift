import Foundation

/// Paths of the executables built with the tests (`swift build --build-tests` puts them
/// next to the test bundle), so the end-to-end tests run exactly what operators run.
public enum BuiltProducts {
    public static let directory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // .build/<triple>/debug/tierdPackageTests.xctest[/...]: climb to the folder holding it.
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("tierd").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    public static var tierd: String { directory.appendingPathComponent("tierd").path }
    public static var tierctl: String { directory.appendingPathComponent("tierctl").path }
}
