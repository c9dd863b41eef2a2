/*
 * udpgen.c - windowed UDP echo load generator for Torsion's benchmarks (loopback only).
 *
 *   udpgen -t 127.0.0.1:PORT [-c SOCKETS] [-n WINDOW] [-s SIZE] [-d SECONDS] [-w WARMUP]
 *          [-P SERVER_PID] [-L LOSS_TIMEOUT_MS]
 *
 * Each of SOCKETS connected UDP sockets keeps exactly WINDOW datagrams in flight: a datagram
 * is replaced by the next one when its echo arrives, or when it has been unanswered for
 * LOSS_TIMEOUT_MS (counted as lost). The window keeps the kernel's socket buffers from
 * overflowing, so on loopback nothing should be lost.
 *
 * Datagram layout: magic (4 bytes) | socket id (4) | sequence number (8) | payload. The payload
 * is a function of (socket, sequence, offset), so every echo is checked byte for byte: a
 * wrong length, a changed byte, or an echo of a datagram never sent is corruption.
 * An echo of a datagram already given up on (late) or a second echo (duplicate) is counted
 * separately; duplicates are corruption too.
 *
 * Output: one JSON line on stdout. Exit status: 0 ok, 2 corruption, 3 nothing echoed or
 * socket failure, 4 usage/internal error, 5 hard deadline exceeded.
 *
 * Build: gcc -O2 -Wall -o udpgen udpgen.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x544f5253u   /* "TORS" */
#define HDR 16
#define LAT_BUCKETS 200000  /* 1 us buckets, up to 200 ms */
#define MAX_SOCKS 64
#define MAX_WINDOW 1024

typedef struct slot {
    uint64_t seq;      /* sequence number in flight in this slot */
    uint64_t sent_ns;  /* when it was sent */
    int answered;      /* its echo arrived (only after the end, while draining) */
} slot_t;

typedef struct usock {
    int fd, id;
    slot_t slots[MAX_WINDOW];
} usock_t;

static int g_socks = 4, g_window = 16, g_size = 64, g_loss_ms = 200, g_spid = 0;
static double g_dur = 2, g_warm = 1;
static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static uint32_t *g_hist;
static uint64_t g_echoed_win, g_echoed_all, g_sent, g_lost, g_late, g_dups, g_mismatch;
static uint64_t g_send_errors, g_recv_errors, g_lat_over, g_outstanding_end;
static uint64_t g_scpu[2], g_lcpu[2];  /* server / own CPU ns at the window's start and end */
static int g_sampled;                  /* 0: none yet, 1: start taken, 2: both taken */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "udpgen: FAIL: hard deadline exceeded\n";
    (void)!write(2, m, sizeof m - 1);
    _exit(5);
}

static uint64_t server_cpu_ns(int pid) {
    char dir[64], path[600], line[128];
    snprintf(dir, sizeof dir, "/proc/%d/task", pid);
    DIR *d = opendir(dir);
    if (!d) return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s/schedstat", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (fgets(line, sizeof line, f)) total += strtoull(line, NULL, 10);
        fclose(f);
    }
    closedir(d);
    return total;
}

static long server_status_kb(int pid, const char *key) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    size_t n = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':') { kb = atol(line + n + 1); break; }
    fclose(f);
    return kb;
}

static uint64_t self_cpu_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
           (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

/* Only loopback targets are accepted (the project's network rule). */
static int parse_target(const char *t) {
    char host[128];
    const char *colon = strrchr(t, ':');
    if (!colon || colon == t || (size_t)(colon - t) >= sizeof host) return -1;
    memcpy(host, t, (size_t)(colon - t));
    host[colon - t] = 0;
    int port = atoi(colon + 1);
    if (port <= 0 || port > 65535) return -1;
    memset(&g_addr, 0, sizeof g_addr);
    struct sockaddr_in *in4 = (struct sockaddr_in *)&g_addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&g_addr;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127) return -1;
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        g_addrlen = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        g_addrlen = sizeof *in6;
        return 0;
    }
    return -1;
}

static inline uint8_t pattern(uint32_t sock, uint64_t seq, size_t i) {
    uint64_t x = (seq * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)sock << 40) ^ (i * 0xBF58476D1CE4E5B9ULL);
    x ^= x >> 29;
    return (uint8_t)(x ^ (x >> 17));
}

static void fill(uint8_t *buf, uint32_t sock, uint64_t seq) {
    uint32_t magic = MAGIC;
    memcpy(buf, &magic, 4);
    memcpy(buf + 4, &sock, 4);
    memcpy(buf + 8, &seq, 8);
    for (size_t i = HDR; i < (size_t)g_size; i++) buf[i] = pattern(sock, seq, i);
}

static void send_slot(usock_t *s, slot_t *sl, uint64_t seq, uint8_t *buf) {
    sl->seq = seq;
    sl->sent_ns = now_ns();
    sl->answered = 0;
    fill(buf, (uint32_t)s->id, seq);
    if (send(s->fd, buf, (size_t)g_size, MSG_DONTWAIT) != g_size) g_send_errors++;
    else g_sent++;
}

/* Checks one echo; returns its slot when it answers the datagram in flight there. */
static slot_t *check_echo(usock_t *s, const uint8_t *buf, ssize_t n) {
    uint32_t magic, sock;
    uint64_t seq;
    if (n != g_size) { g_mismatch++; return NULL; }
    memcpy(&magic, buf, 4);
    memcpy(&sock, buf + 4, 4);
    memcpy(&seq, buf + 8, 8);
    if (magic != MAGIC || sock != (uint32_t)s->id) { g_mismatch++; return NULL; }
    for (size_t i = HDR; i < (size_t)g_size; i++)
        if (buf[i] != pattern(sock, seq, i)) { g_mismatch++; return NULL; }
    slot_t *sl = &s->slots[seq % (uint64_t)g_window];
    if (seq > sl->seq) { g_mismatch++; return NULL; }       /* never sent */
    if (seq < sl->seq) { g_late++; return NULL; }           /* given up on already */
    if (sl->answered) { g_dups++; return NULL; }
    return sl;
}

static void record_latency(uint64_t ns) {
    uint64_t us = ns / 1000ULL;
    if (us >= LAT_BUCKETS) g_lat_over++;
    else g_hist[us]++;
}

static double percentile(double p) {
    uint64_t total = g_lat_over, acc = 0;
    for (size_t b = 0; b < LAT_BUCKETS; b++) total += g_hist[b];
    if (total == 0) return 0;
    uint64_t rank = (uint64_t)(p * (double)total);
    if (rank == 0) rank = 1;
    for (size_t b = 0; b < LAT_BUCKETS; b++) {
        acc += g_hist[b];
        if (acc >= rank) return (double)b + 0.5;
    }
    return (double)LAT_BUCKETS;
}

/* Reads every queued echo of one socket; refills answered slots while sending. */
static void drain_socket(usock_t *s, uint8_t *rbuf, uint8_t *sbuf, uint64_t twarm, uint64_t tend, int sending) {
    for (;;) {
        ssize_t n = recv(s->fd, rbuf, 65536, MSG_DONTWAIT);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) g_recv_errors++;
            if (errno == EINTR) continue;
            return;
        }
        slot_t *sl = check_echo(s, rbuf, n);
        if (!sl) continue;
        uint64_t t = now_ns();
        g_echoed_all++;
        if (t >= twarm && t < tend) { g_echoed_win++; record_latency(t - sl->sent_ns); }
        if (sending && t < tend) send_slot(s, sl, sl->seq + (uint64_t)g_window, sbuf);
        else sl->answered = 1;
    }
}

/* Replaces datagrams unanswered for longer than the loss timeout. */
static void expire(usock_t *socks, uint8_t *sbuf, uint64_t now) {
    uint64_t limit = (uint64_t)g_loss_ms * 1000000ULL;
    for (int i = 0; i < g_socks; i++)
        for (int w = 0; w < g_window; w++) {
            slot_t *sl = &socks[i].slots[w];
            if (!sl->answered && now - sl->sent_ns > limit) {
                g_lost++;
                send_slot(&socks[i], sl, sl->seq + (uint64_t)g_window, sbuf);
            }
        }
}

static int open_sockets(usock_t *socks, int epfd) {
    for (int i = 0; i < g_socks; i++) {
        int fd = socket(g_addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&g_addr, g_addrlen) < 0) return -1;
        socks[i].fd = fd;
        socks[i].id = i + 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &socks[i]};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return -1;
    }
    return 0;
}

static int all_answered(usock_t *socks) {
    uint64_t open = 0;
    for (int i = 0; i < g_socks; i++)
        for (int w = 0; w < g_window; w++) open += !socks[i].slots[w].answered;
    g_outstanding_end = open;
    return open == 0;
}

/* Samples CPU counters when the loop crosses the start and the end of the window. */
static void sample_cpu(uint64_t t, uint64_t twarm, uint64_t tend) {
    if (g_sampled < 2 && t >= (g_sampled == 0 ? twarm : tend)) {
        g_scpu[g_sampled] = g_spid ? server_cpu_ns(g_spid) : 0;
        g_lcpu[g_sampled] = self_cpu_ns();
        g_sampled++;
    }
}

static void run(usock_t *socks, int epfd, uint64_t twarm, uint64_t tend) {
    static uint8_t rbuf[65536], sbuf[65536];
    struct epoll_event evs[MAX_SOCKS];
    for (int i = 0; i < g_socks; i++)
        for (int w = 0; w < g_window; w++) send_slot(&socks[i], &socks[i].slots[w], (uint64_t)w, sbuf);
    uint64_t drain_end = tend + 500000000ULL;  /* up to 0.5 s for the last echoes */
    for (;;) {
        uint64_t t = now_ns();
        sample_cpu(t, twarm, tend);
        int sending = t < tend;
        if (!sending && (t >= drain_end || all_answered(socks))) break;
        int n = epoll_wait(epfd, evs, MAX_SOCKS, 5);
        for (int i = 0; i < n; i++) drain_socket(evs[i].data.ptr, rbuf, sbuf, twarm, tend, sending);
        if (sending) expire(socks, sbuf, now_ns());
    }
    all_answered(socks);
}

static void usage(void) {
    fprintf(stderr, "usage: udpgen -t 127.0.0.1:PORT [-c SOCKETS(1..64)] [-n WINDOW(1..1024)] [-s SIZE(16..65000)]\n"
                    "              [-d SECONDS] [-w WARMUP_SECONDS] [-P SERVER_PID] [-L LOSS_TIMEOUT_MS]\n");
    exit(4);
}

static void report(double dur, uint64_t scpu, uint64_t lcpu) {
    double rate = (double)g_echoed_win / dur;
    int ok = g_mismatch == 0 && g_dups == 0 && g_echoed_win > 0;
    printf("{\"mode\":\"udp\",\"sockets\":%d,\"window\":%d,\"size\":%d,\"dgrams_per_s\":%.1f,\"MBps\":%.3f,"
           "\"p50_us\":%.1f,\"p99_us\":%.1f,\"sent\":%llu,\"echoed\":%llu,\"lost\":%llu,\"late\":%llu,"
           "\"duplicates\":%llu,\"mismatch_events\":%llu,\"unanswered_at_end\":%llu,\"send_errors\":%llu,"
           "\"recv_errors\":%llu,\"loadgen_cpu_pct\":%.1f",
           g_socks, g_window, g_size, rate, rate * g_size / 1e6, percentile(0.5), percentile(0.99),
           (unsigned long long)g_sent, (unsigned long long)g_echoed_all, (unsigned long long)g_lost,
           (unsigned long long)g_late, (unsigned long long)g_dups, (unsigned long long)g_mismatch,
           (unsigned long long)g_outstanding_end, (unsigned long long)g_send_errors,
           (unsigned long long)g_recv_errors, (double)lcpu / (dur * 1e7));
    if (g_spid)
        printf(",\"server_cpu_pct\":%.1f,\"server_cpu_us_per_op\":%.3f,\"server_hwm_kb\":%ld,\"server_rss_kb\":%ld",
               (double)scpu / (dur * 1e7), g_echoed_win ? (double)scpu / 1000.0 / (double)g_echoed_win : 0.0,
               server_status_kb(g_spid, "VmHWM"), server_status_kb(g_spid, "VmRSS"));
    printf(",\"ok\":%s}\n", ok ? "true" : "false");
}

int main(int argc, char **argv) {
    const char *target = NULL;
    int o;
    while ((o = getopt(argc, argv, "t:c:n:s:d:w:P:L:h")) != -1) {
        switch (o) {
        case 't': target = optarg; break;
        case 'c': g_socks = atoi(optarg); break;
        case 'n': g_window = atoi(optarg); break;
        case 's': g_size = atoi(optarg); break;
        case 'd': g_dur = atof(optarg); break;
        case 'w': g_warm = atof(optarg); break;
        case 'P': g_spid = atoi(optarg); break;
        case 'L': g_loss_ms = atoi(optarg); break;
        default: usage();
        }
    }
    if (!target || parse_target(target) < 0) { fprintf(stderr, "udpgen: target must be a loopback HOST:PORT\n"); usage(); }
    if (g_socks < 1 || g_socks > MAX_SOCKS || g_window < 1 || g_window > MAX_WINDOW || g_size < HDR ||
        g_size > 65000 || g_dur <= 0 || g_warm < 0 || g_loss_ms < 1)
        usage();
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(g_warm + g_dur + 10));
    g_hist = calloc(LAT_BUCKETS, sizeof *g_hist);
    usock_t *socks = calloc((size_t)g_socks, sizeof *socks);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (!g_hist || !socks || epfd < 0) { perror("udpgen: setup"); return 4; }
    if (open_sockets(socks, epfd) < 0) {
        fprintf(stderr, "udpgen: FAIL: socket setup: %s\n", strerror(errno));
        printf("{\"mode\":\"udp\",\"ok\":false,\"error\":\"socket\"}\n");
        return 3;
    }
    uint64_t t0 = now_ns(), twarm = t0 + (uint64_t)(g_warm * 1e9), tend = twarm + (uint64_t)(g_dur * 1e9);
    run(socks, epfd, twarm, tend);
    sample_cpu(tend, twarm, tend);
    sample_cpu(tend, twarm, tend);
    report(g_dur, g_scpu[1] - g_scpu[0], g_lcpu[1] - g_lcpu[0]);
    if (g_mismatch || g_dups) {
        fprintf(stderr, "udpgen: FAIL: %llu corrupt and %llu duplicate echoes\n",
                (unsigned long long)g_mismatch, (unsigned long long)g_dups);
        return 2;
    }
    if (g_echoed_win == 0) { fprintf(stderr, "udpgen: FAIL: no echo received in the measured window\n"); return 3; }
    return 0;
}
