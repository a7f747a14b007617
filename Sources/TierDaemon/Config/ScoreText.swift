/// Scores in messages as operators wrote them: 500 rather than 500.0.
enum ScoreText {
    static func format(_ score: Double) -> String {
        if score == score.rounded(), abs(score) < 1e15 {
            return String(Int64(score))
        }
        return String(score)
    }
}
