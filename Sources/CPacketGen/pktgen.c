// See include/CPacketGen.h. Plain C because the send loop must not allocate, lock or bridge
// anything per frame: the generator's own cost is part of every measurement, shaped or not,
// so it has to be small and identical for every tree.
#define _GNU_SOURCE
#include "CPacketGen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_THREADS = 64, MAX_BATCH = 1024, FRAME = TIERD_PKTGEN_FRAME_BYTES, ETH_HEADER = 14 };

typedef struct sender {
    struct tierd_pktgen *owner;
    pthread_t thread;
    int started;
    int fd;
    size_t cursor;
    _Atomic uint64_t sent;
    _Atomic uint64_t refused;
    // Written by the thread before it reports ready (or at the end, on a send error).
    char error[160];
} sender;

struct tierd_pktgen {
    tierd_pktgen_config config;
    uint8_t *addresses;
    size_t stride;
    int threads;
    _Atomic int stop;
    _Atomic int ready;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    sender senders[MAX_THREADS];
};

static uint32_t sum16(const uint8_t *bytes, size_t length, uint32_t sum) {
    for (size_t i = 0; i + 1 < length; i += 2) sum += (uint32_t)(bytes[i] << 8 | bytes[i + 1]);
    if (length & 1) sum += (uint32_t)(bytes[length - 1] << 8);
    return sum;
}

static uint16_t fold(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *at, uint16_t value) { at[0] = (uint8_t)(value >> 8); at[1] = (uint8_t)value; }

/// The frame's constant part: Ethernet, IP and UDP headers with the fixed address in place.
static void build_template(const tierd_pktgen_config *config, uint8_t *frame, uint16_t source_port) {
    memset(frame, 0, FRAME);
    memcpy(frame, config->destination_mac, 6);
    memcpy(frame + 6, config->source_mac, 6);
    uint8_t *ip = frame + ETH_HEADER;
    if (config->family == 4) {
        put16(frame + 12, ETHERTYPE_IP);
        ip[0] = 0x45;
        put16(ip + 2, FRAME - ETH_HEADER);
        put16(ip + 6, 0x4000);  // DF
        ip[8] = 64;
        ip[9] = IPPROTO_UDP;
        memcpy(config->cycle_source ? ip + 16 : ip + 12, config->fixed_address, 4);
        uint8_t *udp = ip + 20;
        put16(udp, source_port);
        put16(udp + 2, 9);  // discard: nobody listens
        put16(udp + 4, FRAME - ETH_HEADER - 20);
        // UDP checksum 0: none, allowed for IPv4.
    } else {
        put16(frame + 12, ETHERTYPE_IPV6);
        ip[0] = 0x60;
        put16(ip + 4, FRAME - ETH_HEADER - 40);
        ip[6] = IPPROTO_UDP;
        ip[7] = 64;
        memcpy(config->cycle_source ? ip + 24 : ip + 8, config->fixed_address, 16);
        uint8_t *udp = ip + 40;
        put16(udp, source_port);
        put16(udp + 2, 9);
        put16(udp + 4, FRAME - ETH_HEADER - 40);
    }
}

/// Puts `address` into the cycling end of `frame` and fixes the checksums.
static void set_address(const tierd_pktgen_config *config, uint8_t *frame, const uint8_t *address) {
    uint8_t *ip = frame + ETH_HEADER;
    if (config->family == 4) {
        memcpy(config->cycle_source ? ip + 12 : ip + 16, address, 4);
        put16(ip + 10, 0);
        put16(ip + 10, fold(sum16(ip, 20, 0)));
    } else {
        memcpy(config->cycle_source ? ip + 8 : ip + 24, address, 16);
        uint8_t *udp = ip + 40;
        uint16_t length = FRAME - ETH_HEADER - 40;
        put16(udp + 6, 0);
        uint32_t sum = sum16(ip + 8, 32, 0) + length + IPPROTO_UDP;
        uint16_t checksum = fold(sum16(udp, length, sum));
        put16(udp + 6, checksum == 0 ? 0xffff : checksum);
    }
}

static void report_ready(struct tierd_pktgen *generator) {
    pthread_mutex_lock(&generator->lock);
    atomic_fetch_add(&generator->ready, 1);
    pthread_cond_broadcast(&generator->changed);
    pthread_mutex_unlock(&generator->lock);
}

/// Enters the namespace, opens and binds the socket: the socket stays in the namespace it
/// was created in, so only this thread ever changes namespace.
static int open_socket(sender *self) {
    const tierd_pktgen_config *config = &self->owner->config;
    int ns = open(config->netns_path, O_RDONLY | O_CLOEXEC);
    if (ns < 0) { snprintf(self->error, sizeof self->error, "open %s: %s", config->netns_path, strerror(errno)); return -1; }
    int entered = setns(ns, CLONE_NEWNET);
    int saved = errno;
    close(ns);
    if (entered != 0) { snprintf(self->error, sizeof self->error, "setns %s: %s", config->netns_path, strerror(saved)); return -1; }
    // Protocol 0: the socket receives nothing, so no packet tap runs on the data path.
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) { snprintf(self->error, sizeof self->error, "socket(AF_PACKET): %s", strerror(errno)); return -1; }
    unsigned index = if_nametoindex(config->interface);
    if (index == 0) {
        snprintf(self->error, sizeof self->error, "no device %s in %s", config->interface, config->netns_path);
        close(fd);
        return -1;
    }
    struct sockaddr_ll address = { .sll_family = AF_PACKET, .sll_protocol = 0, .sll_ifindex = (int)index };
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        snprintf(self->error, sizeof self->error, "bind %s: %s", config->interface, strerror(errno));
        close(fd);
        return -1;
    }
    int buffer = 4 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer);
    return fd;
}

static void *send_loop(void *argument) {
    sender *self = argument;
    struct tierd_pktgen *generator = self->owner;
    const tierd_pktgen_config *config = &generator->config;
    self->fd = open_socket(self);
    report_ready(generator);
    if (self->fd < 0) return NULL;

    int batch = config->batch;
    static _Thread_local uint8_t frames[MAX_BATCH][FRAME];
    static _Thread_local struct iovec vectors[MAX_BATCH];
    static _Thread_local struct mmsghdr messages[MAX_BATCH];
    uint16_t port = (uint16_t)(40000 + (self - generator->senders));
    for (int i = 0; i < batch; i++) {
        build_template(config, frames[i], port);
        vectors[i] = (struct iovec){ .iov_base = frames[i], .iov_len = FRAME };
        messages[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &vectors[i], .msg_iovlen = 1 } };
    }
    size_t count = config->address_count, cursor = self->cursor;
    while (!atomic_load_explicit(&generator->stop, memory_order_relaxed)) {
        for (int i = 0; i < batch; i++) {
            set_address(config, frames[i], generator->addresses + cursor * 16);
            cursor += generator->stride;
            if (cursor >= count) cursor -= count;
        }
        int sent = sendmmsg(self->fd, messages, (unsigned)batch, 0);
        if (sent > 0) {
            atomic_fetch_add_explicit(&self->sent, (uint64_t)sent, memory_order_relaxed);
        } else if (errno == ENOBUFS) {
            atomic_fetch_add_explicit(&self->refused, 1, memory_order_relaxed);
        } else if (errno != EINTR && errno != EAGAIN) {
            snprintf(self->error, sizeof self->error, "sendmmsg: %s", strerror(errno));
            break;
        }
    }
    return NULL;
}

static size_t gcd(size_t a, size_t b) {
    while (b) { size_t t = a % b; a = b; b = t; }
    return a;
}

tierd_pktgen *tierd_pktgen_start(const tierd_pktgen_config *config, char *error, size_t error_size) {
    if (config->threads < 1 || config->threads > MAX_THREADS || config->address_count == 0 ||
        (config->family != 4 && config->family != 6) || config->batch < 1 || config->batch > MAX_BATCH) {
        snprintf(error, error_size, "invalid configuration (threads 1...%d, batch 1...%d, family 4 or 6, addresses > 0)",
                 MAX_THREADS, MAX_BATCH);
        return NULL;
    }
    struct tierd_pktgen *generator = calloc(1, sizeof *generator);
    if (!generator) { snprintf(error, error_size, "out of memory"); return NULL; }
    generator->config = *config;
    generator->addresses = malloc(config->address_count * 16);
    if (!generator->addresses) { free(generator); snprintf(error, error_size, "out of memory"); return NULL; }
    memcpy(generator->addresses, config->addresses, config->address_count * 16);
    generator->config.addresses = generator->addresses;
    // Walk the users in a scattered order (a prime stride coprime with the count), as real
    // traffic would, rather than in the order the tree was built.
    size_t count = config->address_count;
    generator->stride = (count > 7919 && gcd(7919, count) == 1) ? 7919 : (gcd(97, count) == 1 ? 97 % count : 1);
    if (generator->stride == 0) generator->stride = 1;
    generator->threads = config->threads;
    pthread_mutex_init(&generator->lock, NULL);
    pthread_cond_init(&generator->changed, NULL);

    int started = 0;
    for (int t = 0; t < config->threads; t++) {
        sender *s = &generator->senders[t];
        s->owner = generator;
        s->fd = -1;
        s->cursor = (count / (size_t)config->threads) * (size_t)t % count;
        if (pthread_create(&s->thread, NULL, send_loop, s) != 0) {
            snprintf(s->error, sizeof s->error, "pthread_create failed");
            break;
        }
        s->started = 1;
        started++;
    }
    pthread_mutex_lock(&generator->lock);
    while (atomic_load(&generator->ready) < started) pthread_cond_wait(&generator->changed, &generator->lock);
    pthread_mutex_unlock(&generator->lock);

    for (int t = 0; t < config->threads; t++) {
        sender *s = &generator->senders[t];
        if (!s->started || s->fd < 0) {
            snprintf(error, error_size, "sender %d: %s", t, s->error[0] ? s->error : "not started");
            tierd_pktgen_stop(generator, NULL, 0);
            return NULL;
        }
    }
    return generator;
}

uint64_t tierd_pktgen_sent(const tierd_pktgen *generator) {
    uint64_t total = 0;
    for (int t = 0; t < generator->threads; t++)
        total += atomic_load_explicit(&((tierd_pktgen *)generator)->senders[t].sent, memory_order_relaxed);
    return total;
}

uint64_t tierd_pktgen_refused(const tierd_pktgen *generator) {
    uint64_t total = 0;
    for (int t = 0; t < generator->threads; t++)
        total += atomic_load_explicit(&((tierd_pktgen *)generator)->senders[t].refused, memory_order_relaxed);
    return total;
}

int tierd_pktgen_stop(tierd_pktgen *generator, char *error, size_t error_size) {
    if (!generator) return 0;
    atomic_store(&generator->stop, 1);
    int failed = 0;
    for (int t = 0; t < generator->threads; t++) {
        sender *s = &generator->senders[t];
        if (s->started) pthread_join(s->thread, NULL);
        if (s->fd >= 0) {
            close(s->fd);
            // A thread whose socket was bound and that still wrote an error stopped sending early.
            if (s->error[0] && !failed && error) {
                snprintf(error, error_size, "sender %d: %s", t, s->error);
                failed = 1;
            }
        }
    }
    pthread_mutex_destroy(&generator->lock);
    pthread_cond_destroy(&generator->changed);
    free(generator->addresses);
    free(generator);
    return failed ? -1 : 0;
}

typedef struct opener {
    const char *netns_path;
    const char *path;
    int result;
} opener;

static void *open_in_thread(void *argument) {
    opener *request = argument;
    int ns = open(request->netns_path, O_RDONLY | O_CLOEXEC);
    if (ns < 0) { request->result = -errno; return NULL; }
    int entered = setns(ns, CLONE_NEWNET);
    int saved = errno;
    close(ns);
    if (entered != 0) { request->result = -saved; return NULL; }
    int fd = open(request->path, O_RDONLY | O_CLOEXEC);
    request->result = fd < 0 ? -errno : fd;
    return NULL;
}

int tierd_open_in_netns(const char *netns_path, const char *path) {
    opener request = { netns_path, path, -EINVAL };
    pthread_t thread;
    int created = pthread_create(&thread, NULL, open_in_thread, &request);
    if (created != 0) return -created;
    pthread_join(thread, NULL);
    return request.result;
}
