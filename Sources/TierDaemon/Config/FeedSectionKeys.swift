/// The keys of `[feed]`.
enum FeedSectionKeys {
    static let table = ConfigKeyTable<FeedSection>("feed", [
        ConfigKey("file", restartOnly: \.feed.file) { value, context, section in
            let file = value.accepted(value.string(), if: { !$0.isEmpty }, else: { _ in "must not be empty (omit it to disable the file feed)" })
            if let file { section.file = context.resolver.resolve(file) }
        },
        ConfigKey("socket", restartOnly: \.feed.socket) { value, _, section in
            if let socket = value.socketPath() { section.socket = socket }
        },
        ConfigKey("stale_after") { value, _, section in
            if let stale = value.duration() { section.staleAfter = stale > 0 ? stale : nil }
        },
        ConfigKey("max_line") { value, _, section in
            let maxLine = value.accepted(value.integer(), if: { (64...16_777_216).contains($0) }, else: {
                "must be between 64 and 16777216 bytes, found \($0)"
            })
            if let maxLine { section.maxLine = maxLine }
        },
        ConfigKey("max_future_skew") { value, _, section in
            if let skew = value.duration() { section.maxFutureSkew = skew }
        },
    ])
}
