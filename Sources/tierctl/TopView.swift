/// What `tierctl top` shows and how the keys change it: sort order, filters, and the frame
/// drawn for a terminal of a given size. Pure (no terminal I/O), so it is tested directly.
struct TopView: Sendable, Equatable {
    enum Sort: String, Sendable, CaseIterable {
        case download, upload, drops, name, tier

        /// The key that selects it.
        var key: Character {
            switch self {
            case .download: "d"
            case .upload: "u"
            case .drops: "x"
            case .name: "n"
            case .tier: "t"
            }
        }
    }

    var sort: Sort = .download
    /// Shown users' ids contain this (case-insensitive); empty shows everybody.
    var text = ""
    /// Only users in this tier; nil shows every tier.
    var tier: String?
    /// True while the operator types a filter after `/`.
    var typing = false

    /// What a key press asks for.
    enum Action: Equatable {
        case redraw, quit, none
    }

    /// Applies one key. `tiers`: the tiers `f` cycles through, in the config's order.
    mutating func handle(_ key: UInt8, tiers: [String]) -> Action {
        if typing {
            switch key {
            case 13, 10: typing = false                                  // Enter keeps the filter
            case 27: typing = false; text = ""                           // Esc drops it
            case 127, 8: if !text.isEmpty { text.removeLast() }           // Backspace
            case 32...126: text.append(Character(Unicode.Scalar(key)))
            default: return .none
            }
            return .redraw
        }
        let character = Character(Unicode.Scalar(key))
        if let sort = Sort.allCases.first(where: { $0.key == character }) {
            self.sort = sort
            return .redraw
        }
        switch character {
        case "q", "\u{3}": return .quit
        case "/": typing = true; text = ""
        case "f":
            let next = tier.flatMap { tiers.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            tier = next < tiers.count ? tiers[next] : nil
        case "\u{1B}": text = ""; tier = nil
        default: return .none
        }
        return .redraw
    }

    /// The rows that pass the filters, in the chosen order. Rates sort highest first (users
    /// without a class last), names and tiers alphabetically, ties by name.
    func arrange(_ rows: [TopRow]) -> [TopRow] {
        let needle = text.lowercased()
        let shown = rows.filter { row in
            (tier == nil || row.tier == tier) && (needle.isEmpty || row.user.lowercased().contains(needle))
        }
        func descending(_ a: Double?, _ b: Double?) -> Bool? {
            if a == b { return nil }
            return (a ?? -1) > (b ?? -1)
        }
        return shown.sorted { a, b in
            let decided: Bool? = switch sort {
            case .download: descending(a.download, b.download)
            case .upload: descending(a.upload, b.upload)
            case .drops: a.drops == b.drops ? nil : a.drops > b.drops
            case .name: nil
            case .tier: a.tier == b.tier ? descending(a.download, b.download) : a.tier < b.tier
            }
            return decided ?? (a.user < b.user)
        }
    }

    /// One screen: a status line, the header, as many rows as fit, and the key help (or the
    /// filter being typed) on the last line; every line cut to `width` columns.
    func frame(_ rows: [TopRow], width: Int, height: Int, status: String) -> [String] {
        let shown = arrange(rows)
        let filters = [tier.map { "tier \($0)" }, text.isEmpty ? nil : "\"\(text)\""].compactMap { $0 }
        var lines = ["\(status)  \(shown.count)/\(rows.count) users  sort: \(sort.rawValue)"
            + (filters.isEmpty ? "" : "  filter: " + filters.joined(separator: ", "))]
        let room = max(0, height - 3)
        lines += table(Array(shown.prefix(room)))
        while lines.count < height - 1 { lines.append("") }
        lines.append(typing ? "filter: \(text)_" : "d/u/x/n/t sort  / filter  f tier  Esc clear  q quit")
        return lines.prefix(max(height, 1)).map { Self.cut($0, to: width) }
    }

    /// Header and rows as aligned columns (also `--once` without a terminal).
    func table(_ rows: [TopRow]) -> [String] {
        let userWidth = min(32, max(4, rows.map(\.user.count).max() ?? 0))
        let tierWidth = max(4, rows.map(\.tier.count).max() ?? 0)
        func line(_ user: String, _ tier: String, _ down: String, _ up: String, _ drops: String) -> String {
            [Self.pad(Self.cut(user, to: userWidth), userWidth), Self.pad(tier, tierWidth),
             Self.padLeft(down, 10), Self.padLeft(up, 10), Self.padLeft(drops, 7)].joined(separator: "  ")
        }
        return [line("USER", "TIER", "DOWN", "UP", "DROPS")] + rows.map {
            line($0.user, $0.tier, Self.rate($0.download), Self.rate($0.upload), "\($0.drops)")
        }
    }

    /// `12.5Mbit`, `0bit`, `-` for no class: tc's units, like `status`.
    static func rate(_ bitsPerSecond: Double?) -> String {
        bitsPerSecond.map { Formatting.rate(UInt64($0.rounded())) } ?? "-"
    }

    static func cut(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width)))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
