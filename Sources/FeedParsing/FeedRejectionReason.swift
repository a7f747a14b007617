/// Why a feed line was rejected.
///
/// Every rejected line gets exactly one of these, so operators can count bad input by
/// cause (the raw values are stable, snake_case, and appear in socket replies and
/// metrics). When a line has several problems, the first one met while reading it left
/// to right wins.
public enum FeedRejectionReason: String, CaseIterable, Sendable, Codable, CodingKeyRepresentable, Error {
    /// The line is longer than the configured maximum (bytes, excluding the newline).
    case lineTooLong = "line_too_long"
    /// The line contains a raw NUL byte.
    case nulByte = "nul_byte"
    /// The line is not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// The line neither starts with `{` nor has the `user,value` CSV shape.
    case notJSONOrCSV = "not_json_or_csv"
    /// The line is JSON, but an array or another non-object value at top level.
    case notAnObject = "not_an_object"
    /// The line starts like a JSON object but is not valid JSON (syntax, escapes, trailing data).
    case malformedJSON = "malformed_json"
    /// The line is CSV with the wrong number of fields, or a field that cannot be read.
    case malformedCSV = "malformed_csv"
    /// There is no user id (no `user` key, or an empty CSV user field).
    case missingUser = "missing_user"
    /// The user id is not 1...64 characters of `[A-Za-z0-9._@-]`.
    case badUserID = "bad_user_id"
    /// Both `score` and `delta` are present: the intent is ambiguous.
    case scoreAndDelta = "score_and_delta"
    /// Neither `score` nor `delta` is present.
    case missingScoreOrDelta = "missing_score_or_delta"
    /// A number does not follow the JSON number grammar (`+1`, `01`, `1.`, `.5`, `0x10`, ...).
    case badNumber = "bad_number"
    /// A number is NaN or infinite, spelled out or by overflowing a Double (`1e309`).
    case nonFiniteNumber = "non_finite_number"
    /// A score or delta is finite but its magnitude exceeds `FeedLineParser.maxMagnitude`.
    case numberOutOfRange = "number_out_of_range"
    /// `ts` is neither RFC 3339 nor Unix seconds, or lies outside years 1970...9999.
    case badTimestamp = "bad_timestamp"
    /// The object has a key other than `user`, `score`, `delta`, `ts`, `reason`.
    case unknownKey = "unknown_key"
    /// The object has the same key twice (JSON parsers disagree on which one wins).
    case duplicateKey = "duplicate_key"
    /// A known key has a value of the wrong JSON type (e.g. `"score":"640"`, `"user":null`).
    case wrongType = "wrong_type"
    /// A value is an object or an array; the feed is flat.
    case nestedValue = "nested_value"
    /// `reason` is longer than `FeedLineParser.maxReasonLength` bytes or has control characters.
    case badReason = "bad_reason"
    /// `ts` lies further in the future than `[feed] max_future_skew` allows. Not decided by
    /// the parser (which has no clock) but when the event is applied, at the daemon's `now`.
    case futureTimestamp = "future_timestamp"
}
