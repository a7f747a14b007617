/// The config the benchmark gives the real tierd (feed latency, cold start): a file feed,
/// no decay, hysteresis or dwell (each score maps straight to its tier), and three tiers whose
/// middle one, "reduced" (scores 500-799), has the given rates in tc's units.
enum BenchDaemonConfig {
    static func text(directory: String, namespace: BenchNamespace, reducedDownload: String, reducedUpload: String) -> String {
        """
        [daemon]
        control_socket = "\(directory)/control.sock"
        state_dir = "\(directory)/state"
        reconcile_interval = "30s"

        [feed]
        file = "\(directory)/scores.jsonl"

        [scoring]
        baseline = 1000
        half_life = "0s"
        hysteresis = 0
        min_dwell = "0s"
        default_tier = "full"

        [network]
        interface = "\(namespace.device)"
        ifb = "\(namespace.ifb)"
        users_file = "users.csv"
        floor = "256kbit"

        [[tier]]
        name = "full"
        min_score = 800

        [[tier]]
        name = "reduced"
        min_score = 500
        download = "\(reducedDownload)"
        upload = "\(reducedUpload)"

        [[tier]]
        name = "minimal"
        download = "2mbit"
        upload = "1mbit"
        """
    }
}
