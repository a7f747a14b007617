import Control
import Foundation

/// The human-readable forms of `status`: a table for all users, a listing for one.
enum StatusTable {
    /// An INTERFACE column appears when the users are behind more than one interface (a
    /// gateway with one access side keeps the table it always had).
    static func render(_ users: [UserStatus]) -> String {
        let showInterface = Set(users.map(\.interface)).count > 1
        var table = TextTable(header: ["USER", "TIER", "SCORE", "DOWNLOAD", "UPLOAD", "SINCE", "OVERRIDE", "RULE"]
                                  + (showInterface ? ["INTERFACE"] : []))
        for status in users.sorted(by: { $0.user < $1.user }) {
            table.rows.append([
                status.user, status.tier, Formatting.number(status.score),
                Formatting.rate(status.download), Formatting.rate(status.upload),
                Formatting.date(status.since), status.override?.tier ?? "-", status.rule,
            ] + (showInterface ? [status.interface ?? "-"] : []))
        }
        return table.render()
    }

    static func render(_ status: UserStatus) -> String {
        var pairs = [
            ("user", status.user),
            ("tier", status.tier),
            ("score", Formatting.number(status.score)),
            ("since", Formatting.date(status.since)),
            ("download", Formatting.rate(status.download)),
            ("upload", Formatting.rate(status.upload)),
            ("override", Formatting.override(status.override)),
            ("addresses", status.addresses.isEmpty ? "-" : status.addresses.joined(separator: " ")),
            ("rule", status.rule.isEmpty ? "-" : status.rule),
        ]
        // Absent from daemons that predate several interfaces.
        if let interface = status.interface { pairs.insert(("interface", interface), at: pairs.count - 1) }
        return KeyValueListing.render(pairs)
    }
}
