/// What reading a config key may need besides its own value: where keys are written,
/// where errors go, how relative paths resolve, and the sections read before it.
struct ConfigReadContext {
    let index: TOMLSourceIndex
    let diagnostics: ConfigDiagnostics
    let resolver: ConfigPathResolver
    /// `network.floor` once `[network]` is read: no tier rate may be below it.
    var floor = NetworkSection.defaultFloor
    /// The tiers once every `[[tier]]` is read: `scoring.default_tier` must name one.
    var tiers: [TierSection] = []
}
