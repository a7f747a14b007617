import Foundation
import Glibc

/// The terminal for `tierctl top`: plain ANSI escapes (no curses: it works over any SSH
/// session with a VT100-compatible terminal), the alternate screen so the operator's
/// scrollback is left as it was, and non-canonical input so single keys arrive at once.
/// `restore()` undoes all of it; the caller calls it on every way out (q, SIGINT, SIGTERM,
/// an error).
final class Terminal {
    private var saved = termios()
    private var active = false

    /// Whether both stdin and stdout are terminals (an interactive `top` needs both).
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Columns and rows of the terminal on stdout (80x24 when it cannot say).
    static func size() -> (width: Int, height: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Keys without Enter and without echo (signals still work: Ctrl-C is SIGINT), the
    /// alternate screen, the cursor hidden.
    func enter() {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        active = true
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Back to the normal screen, cursor and input mode. Idempotent.
    func restore() {
        guard active else { return }
        active = false
        write("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }

    /// Redraws the screen in place: each line overwritten and cleared to its end, then
    /// everything below the last one cleared (no flicker from clearing the whole screen).
    func draw(_ lines: [String]) {
        write("\u{1B}[H" + lines.joined(separator: "\u{1B}[K\r\n") + "\u{1B}[K\u{1B}[J")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
