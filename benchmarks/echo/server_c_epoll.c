/* The floor of the echo benchmark: the least a single-threaded server can do per request on
 * this machine. One epoll instance, level-triggered, non-blocking sockets, read up to 64 KiB and
 * write it back; what the socket does not take waits in a per-connection buffer for EPOLLOUT.
 * No framework, no allocation per request. run.sh compiles it with cc -O2 when a compiler exists.
 * usage: server_c_epoll PORT */
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
#include <unistd.h>

#define MAX_FD 65536
#define CHUNK 65536

struct conn { char *pending; size_t len, cap; };
static struct conn conns[MAX_FD];

static void nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static void drop(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd].pending);
    memset(&conns[fd], 0, sizeof conns[fd]);
}

/* Sends what it can of data; the rest is kept and EPOLLOUT watched until it is gone. */
static void send_or_keep(int ep, int fd, const char *data, size_t n) {
    struct conn *c = &conns[fd];
    if (c->len == 0) {
        ssize_t sent = send(fd, data, n, MSG_NOSIGNAL);
        if (sent < 0 && errno != EAGAIN) { drop(ep, fd); return; }
        if (sent > 0) { data += sent; n -= (size_t)sent; }
        if (n == 0) return;
        struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
    }
    if (c->len + n > c->cap) { c->cap = (c->len + n) * 2; c->pending = realloc(c->pending, c->cap); }
    memcpy(c->pending + c->len, data, n);
    c->len += n;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 25000;
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 100) < 0) { perror("listen"); return 1; }
    nonblocking(listener);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = listener }, events[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    printf("serving\n");
    fflush(stdout);
    static char buffer[CHUNK];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept(listener, NULL, NULL)) >= 0) {
                    if (client >= MAX_FD) { close(client); continue; }
                    nonblocking(client);
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = client };
                    epoll_ctl(ep, EPOLL_CTL_ADD, client, &cev);
                }
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                struct conn *c = &conns[fd];
                ssize_t sent = send(fd, c->pending, c->len, MSG_NOSIGNAL);
                if (sent < 0 && errno != EAGAIN) { drop(ep, fd); continue; }
                if (sent > 0) { memmove(c->pending, c->pending + sent, c->len - (size_t)sent); c->len -= (size_t)sent; }
                if (c->len == 0) {
                    struct epoll_event cev = { .events = EPOLLIN, .data.fd = fd };
                    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
                }
            }
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                ssize_t got = recv(fd, buffer, CHUNK, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN)) { drop(ep, fd); continue; }
                if (got > 0) send_or_keep(ep, fd, buffer, (size_t)got);
            }
        }
    }
}
