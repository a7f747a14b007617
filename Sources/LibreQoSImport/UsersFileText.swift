/// The users file tierd reads (`id,addresses`, addresses space-separated), one user per
/// circuit, each preceded by a comment naming the circuit, its plan and its source lines,
/// so the operator can trace every user back to ShapedDevices.csv.
public enum UsersFileText {
    public static func render(_ users: [ImportedUser], source: String) -> String {
        var text = "# Imported from \(commentSafe(source)) by `tierctl import libreqos`: one user per LibreQoS circuit.\n"
        text += "id,addresses\n"
        for user in users {
            let lines = user.lines.map(String.init).joined(separator: ", ")
            let name = user.name.isEmpty ? "" : "\(commentSafe(user.name)); "
            text += "# \(name)plan \(user.plan); line\(user.lines.count == 1 ? "" : "s") \(lines)\n"
            text += "\(user.id),\(user.addresses.map(\.description).joined(separator: " "))\n"
        }
        return text
    }

    /// A comment is one line: control characters (a stray CR, a tab) become spaces.
    static func commentSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
