import Foundation

/// Splits "1.5mbit" into (1.5, "mbit"): the shared front end of rate and size parsing.
enum UnitSplitter {
    /// nil when there is no leading unsigned decimal number.
    static func split(_ text: String) -> (Double, String)? {
        let numberEnd = text.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? text.endIndex
        let numberText = text[..<numberEnd]
        guard !numberText.isEmpty, numberText.first != ".", let number = Double(numberText) else {
            return nil
        }
        return (number, String(text[numberEnd...]).trimmingCharacters(in: .whitespaces))
    }
}
