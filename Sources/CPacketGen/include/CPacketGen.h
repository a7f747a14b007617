#ifndef CPACKETGEN_H
#define CPACKETGEN_H

// A small packet generator for tierd-bench's data-plane benchmark: N threads, each with its
// own AF_PACKET socket in a given network namespace, send fixed-size UDP frames with
// sendmmsg through the device's qdisc (PACKET_QDISC_BYPASS is never set, so the traffic
// control tree under test sees every frame). One end address is fixed, the other cycles over
// a list (the users), so classification sees many users.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes handed to the device per frame (Ethernet header included, no FCS).
#define TIERD_PKTGEN_FRAME_BYTES 64

typedef struct tierd_pktgen_config {
    /// A network namespace file, e.g. /var/run/netns/NAME; the sockets are created in it.
    const char *netns_path;
    /// The device to send out of (in that namespace).
    const char *interface;
    int threads;
    /// 4 or 6.
    int family;
    /// Nonzero: the cycling addresses are the source (upload); zero: the destination (download).
    int cycle_source;
    /// address_count addresses, 16 bytes each (IPv4: the first 4 bytes).
    const uint8_t *addresses;
    size_t address_count;
    /// The fixed end of every frame (IPv4: the first 4 bytes).
    uint8_t fixed_address[16];
    uint8_t source_mac[6];
    uint8_t destination_mac[6];
    /// Frames per sendmmsg call (1...1024).
    int batch;
} tierd_pktgen_config;

typedef struct tierd_pktgen tierd_pktgen;

/// Starts the sender threads; returns once every thread has its socket bound (or failed).
/// On failure returns NULL and writes a message to `error` (the threads already started are
/// stopped and joined).
tierd_pktgen *tierd_pktgen_start(const tierd_pktgen_config *config, char *error, size_t error_size);

/// Frames the kernel accepted so far, all threads (sendmmsg return values).
uint64_t tierd_pktgen_sent(const tierd_pktgen *generator);

/// Send calls that failed with ENOBUFS (the qdisc dropped) so far, all threads.
uint64_t tierd_pktgen_refused(const tierd_pktgen *generator);

/// Stops and joins the threads, closes the sockets, frees the generator. Returns 0, or -1
/// with a message in `error` when a sender stopped early on a send error (its numbers are
/// then not a measurement).
int tierd_pktgen_stop(tierd_pktgen *generator, char *error, size_t error_size);

/// Opens `path` (e.g. /proc/thread-self/net/snmp) from a thread that has entered the network
/// namespace `netns_path`: proc's net files show the namespace of the opener, and keep
/// showing it on every later pread from offset 0. Returns the fd, or -errno.
int tierd_open_in_netns(const char *netns_path, const char *path);

#ifdef __cplusplus
}
#endif

#endif
