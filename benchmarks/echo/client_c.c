/* A load generator in C for the TCP echo, with the contract of client/ (the .NET one):
 *   client_c PORT CLIENTS SIZE TOTAL TIMEOUT_SECONDS
 * prints "req/s p50_ms p99_ms". Each of CLIENTS connections sends SIZE bytes and reads the whole
 * echo back before the next request, TOTAL / CLIENTS requests each after 5 untimed ones. One
 * thread, one epoll instance, no allocation per request: what the client costs per request is as
 * small as it can be, so that a server's own cost shows (run.sh PIN=1 puts the server and this
 * client on different cores). TCP only. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct client { int fd; size_t sent, received; long done, todo; double started; int warm; };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *message;
static size_t size;
static int ep;

/* Sends what the socket takes of the current request; watches for room when it takes less. */
static int push(struct client *c) {
    while (c->sent < size) {
        ssize_t n = send(c->fd, message + c->sent, size - c->sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN) return -1;
            struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            return 0;
        }
        c->sent += (size_t)n;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    return 0;
}

static int begin(struct client *c) {
    c->sent = c->received = 0;
    c->started = now();
    return push(c);
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: client_c PORT CLIENTS SIZE TOTAL TIMEOUT\n"); return 1; }
    if (argc > 6) { fprintf(stderr, "client_c: TCP only\n"); return 3; }
    int port = atoi(argv[1]), clients = atoi(argv[2]);
    size = (size_t)atol(argv[3]);
    long total = atol(argv[4]), per_client = total / clients;
    double deadline = now() + atof(argv[5]);
    message = malloc(size);
    memset(message, 'x', size);
    static char sink[65536];
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ep = epoll_create1(0);
    struct client *cs = calloc((size_t)clients, sizeof *cs);
    for (int i = 0; i < clients; i++) {
        for (;;) { /* retry while the server starts */
            int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
            if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                cs[i].fd = fd;
                break;
            }
            close(fd);
            if (now() > deadline) { fprintf(stderr, "timed out connecting\n"); return 2; }
            usleep(100000);
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    double *latencies = malloc(sizeof(double) * (size_t)(per_client * clients + 1));
    long timed = 0;
    double clock_started = 0;
    struct epoll_event events[256];
    /* Round 0: 5 untimed requests per client; round 1: the timed ones. */
    for (int round = 0; round < 2; round++) {
        long active = clients;
        for (int i = 0; i < clients; i++) {
            cs[i].done = 0;
            cs[i].todo = round == 0 ? 5 : per_client;
            if (begin(&cs[i]) < 0) { perror("send"); return 1; }
        }
        if (round == 1) clock_started = now();
        while (active > 0) {
            int n = epoll_wait(ep, events, 256, 1000);
            if (now() > deadline) { fprintf(stderr, "timed out\n"); return 2; }
            for (int k = 0; k < n; k++) {
                struct client *c = events[k].data.ptr;
                if ((events[k].events & EPOLLOUT) && push(c) < 0) { perror("send"); return 1; }
                if (!(events[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
                for (;;) {
                    ssize_t got = recv(c->fd, sink, sizeof sink, 0);
                    if (got < 0 && errno == EAGAIN) break;
                    if (got <= 0) { fprintf(stderr, "connection closed by the server\n"); return 1; }
                    c->received += (size_t)got;
                }
                if (c->received < size) continue;
                if (round == 1) latencies[timed++] = now() - c->started;
                if (++c->done < c->todo) {
                    if (begin(c) < 0) { perror("send"); return 1; }
                } else {
                    active--;
                }
            }
        }
    }
    double elapsed = now() - clock_started;
    qsort(latencies, (size_t)timed, sizeof *latencies, compare);
    long p50 = (long)((double)timed * 0.50 + 0.999999) - 1, p99 = (long)((double)timed * 0.99 + 0.999999) - 1;
    printf("%.0f %.3f %.3f\n", (double)timed / elapsed, latencies[p50] * 1000.0, latencies[p99] * 1000.0);
    return 0;
}
