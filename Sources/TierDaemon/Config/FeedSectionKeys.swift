/// The keys of `[feed]`.
enum FeedSectionKeys {
    static let table = ConfigKeyTable<FeedSection>("feed", [
        ConfigKey("file", restartOnly: \.feed.file) { value, context, section in
            guard let file = value.string() else { return }
            if file.isEmpty {
                value.error("must not be empty (omit it to disable the file feed)")
            } else {
                section.file = context.resolver.resolve(file)
            }
        },
        ConfigKey("socket", restartOnly: \.feed.socket) { value, _, section in
            if let socket = value.socketPath() { section.socket = socket }
        },
        ConfigKey("stale_after") { value, _, section in
            if let stale = value.duration() { section.staleAfter = stale > 0 ? stale : nil }
        },
        ConfigKey("max_line") { value, _, section in
            guard let maxLine = value.integer() else { return }
            if (64...16_777_216).contains(maxLine) {
                section.maxLine = maxLine
            } else {
                value.error("must be between 64 and 16777216 bytes, found \(maxLine)")
            }
        },
        ConfigKey("max_future_skew") { value, _, section in
            if let skew = value.duration() { section.maxFutureSkew = skew }
        },
    ])
}
