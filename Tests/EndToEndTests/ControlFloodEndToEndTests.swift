import Foundation
import Glibc
import Testing
import TestSupport

/// The control socket under a flood from one unprivileged account: it opens 300 connections,
/// holds them, and reopens every one the daemon closes. Root's `tierctl health` must still
/// succeed every time, promptly; the flooding account gets its 8 connections and a `busy`
/// refusal for every other, and the refusals are counted in the metrics.
@Suite(.serialized, .enabled(if: isRoot() && LocalAccounts.toolsPresent && ControlFlood.perlPresent, "needs root, useradd/groupadd, setpriv and perl"))
struct ControlFloodEndToEndTests {
    @Test func rootIsServedWhileAnAccountFloodsTheSocket() throws {
        let accounts = try LocalAccounts.make()
        defer { accounts.remove() }
        let daemon = try DaemonFixture()
        defer { daemon.tearDown() }
        try accounts.configure(daemon)
        try daemon.start()
        let socket = daemon.ctl

        let flood = try ControlFlood(as: accounts.stranger, socket: daemon.controlSocket, connections: 300)
        defer { flood.stop() }
        let connected = flood.nextLine()
        try #require(connected == "connected 300", "flood: \(connected ?? "nothing") \(flood.remainingOutput())")

        // Root, five times, while all 300 are open: 8 served and held, the rest refused.
        try Self.probeHealth(socket, during: "the first 300 connections")

        // How the daemon answered them: 8 served (then dropped for sending nothing within
        // the request timeout), every other refused `busy` at once.
        let answered = flood.nextLine()
        #expect(answered == "answered busy=292 dropped=8 other=0 open=0", "\(answered ?? "nothing")")

        // Root, five times more, while the flood keeps 300 open and reopens what is closed.
        try Self.probeHealth(socket, during: "the sustained flood")
        let summary = flood.finish()
        let reconnectsRefused = summary.flatMap { Int($0.split(separator: "busy=").last ?? "") } ?? 0
        #expect(reconnectsRefused > 0, "the flood did not go on: \(summary ?? "nothing")")

        // Counted and exported; and the daemon is still fine.
        let metrics = try tierctl(socket + ["metrics"])
        #expect(metrics.status == 0)
        let refused = metrics.output.split(separator: "\n").first { $0.hasPrefix(#"tierd_control_refused_total{reason="user_limit"}"#) }
        #expect((refused?.split(separator: " ").last.flatMap { Int($0) } ?? 0) >= 292 + reconnectsRefused, "\(refused ?? "no series")")
        #expect(try tierctl(socket + ["health"]).status == 0, "log: \(daemon.log)")
    }

    /// Root's `tierctl health`, five times: every one succeeds, promptly.
    static func probeHealth(_ socket: [String], during phase: String) throws {
        for attempt in 1...5 {
            let started = ContinuousClock.now
            let result = try tierctl(socket + ["health", "--json"])
            let elapsed = ContinuousClock.now - started
            #expect(result.status == 0, "health \(attempt) during \(phase): \(result.output)")
            #expect(elapsed < .seconds(3), "health \(attempt) during \(phase) took \(elapsed)")
        }
    }
}

/// A Perl process (perl-base is essential on Debian) run as another account through setpriv
/// that floods a control socket: it opens `connections` at once and prints `connected N`;
/// prints how each was answered (`answered busy=B dropped=D other=O open=P`); then reopens
/// whatever the daemon closes, every 200 ms, until its stdin closes or 60 s pass, and prints
/// `flood reopened=R busy=B`. It holds no credentials of root: SO_PEERCRED sees its account.
final class ControlFlood {
    static var perlPresent: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/perl") }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []
    private var inputClosed = false

    init(as user: String, socket: String, connections: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = LocalAccounts.setpriv(user: user, groups: .cleared)
            + ["/usr/bin/perl", "-e", Self.script, socket, String(connections), "60"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// The next line the flood printed; nil at its end.
    func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return buffer.isEmpty ? nil : remainingOutput() }
            buffer += chunk
        }
    }

    /// Whatever is left unread (for failure messages).
    func remainingOutput() -> String {
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Closes the flood's stdin (it stops and prints its summary), waits for it, returns the
    /// summary line.
    func finish() -> String? {
        closeInput()
        let summary = nextLine()
        process.waitUntilExit()
        return summary
    }

    /// Ends it whatever state it is in (idempotent; for `defer`).
    func stop() {
        closeInput()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Closes the flood's stdin, once (`finish`, then `stop` in a defer).
    private func closeInput() {
        guard !inputClosed else { return }
        inputClosed = true
        try? input.fileHandleForWriting.close()
    }

    static let script = #"""
        use strict;
        use warnings;
        use Socket;
        use IO::Handle;
        my ($path, $count, $seconds) = @ARGV;
        my $address = sockaddr_un($path);
        sub connection {
            socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!";
            connect($s, $address) or die "connect: $!";
            return $s;
        }
        sub bits { my $v = ''; vec($v, fileno($_), 1) = 1 for @_; return $v; }
        STDOUT->autoflush(1);
        my @open = map { connection() } 1 .. $count;
        print "connected ", scalar(@open), "\n";
        my ($busy, $dropped, $other) = (0, 0, 0);
        my $deadline = time + 20;
        while (@open && time < $deadline) {
            my $readable = bits(@open);
            next unless select($readable, undef, undef, 0.2) > 0;
            my @still;
            for my $s (@open) {
                unless (vec($readable, fileno($s), 1)) { push @still, $s; next; }
                my $n = sysread($s, my $data, 4096);
                if ($n && $data =~ /"code":"busy"/) { $busy++ }
                elsif (defined $n && $n == 0) { $dropped++ }
                else { $other++ }
                close($s);
            }
            @open = @still;
        }
        print "answered busy=$busy dropped=$dropped other=$other open=", scalar(@open), "\n";
        my @live = map { connection() } 1 .. $count;
        my ($reopened, $refused) = (0, 0);
        my $end = time + $seconds;
        while (time < $end) {
            my $readable = bits(@live, \*STDIN);
            select($readable, undef, undef, 0.2);
            last if vec($readable, fileno(STDIN), 1);
            for my $i (0 .. $#live) {
                next unless vec($readable, fileno($live[$i]), 1);
                my $n = sysread($live[$i], my $data, 4096);
                $refused++ if $n && $data =~ /"code":"busy"/;
                next if $n;
                close($live[$i]);
                $live[$i] = connection();
                $reopened++;
            }
            select(undef, undef, undef, 0.2);
        }
        print "flood reopened=$reopened busy=$refused\n";
        """#
}
