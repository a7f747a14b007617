import Control
import Foundation

/// The human-readable forms of `status`: a table for all users, a listing for one.
enum StatusTable {
    static func render(_ users: [UserStatus]) -> String {
        var table = TextTable(header: ["USER", "TIER", "SCORE", "DOWNLOAD", "UPLOAD", "SINCE", "OVERRIDE", "RULE"])
        for status in users.sorted(by: { $0.user < $1.user }) {
            table.rows.append([
                status.user, status.tier, Formatting.number(status.score),
                Formatting.rate(status.download), Formatting.rate(status.upload),
                Formatting.date(status.since), status.override?.tier ?? "-", status.rule,
            ])
        }
        return table.render()
    }

    static func render(_ status: UserStatus) -> String {
        KeyValueListing.render([
            ("user", status.user),
            ("tier", status.tier),
            ("score", Formatting.number(status.score)),
            ("since", Formatting.date(status.since)),
            ("download", Formatting.rate(status.download)),
            ("upload", Formatting.rate(status.upload)),
            ("override", Formatting.override(status.override)),
            ("addresses", status.addresses.isEmpty ? "-" : status.addresses.joined(separator: " ")),
            ("rule", status.rule.isEmpty ? "-" : status.rule),
        ])
    }
}
