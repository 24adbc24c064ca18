/* prom_serve: see prom_serve.h. libevent's own HTTP server is enough for a scrape a second. */
#include "prom_serve.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCRAPE_TIMEOUT_S 10 /* a scraper that stops reading is dropped */

struct prom_server {
    struct evhttp *http;
    prom_render_fn *render;
    void *arg;
};

static void on_request(struct evhttp_request *req, void *arg)
{
    struct prom_server *s = arg;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    if (!path || strcmp(path, "/metrics") != 0) {
        evhttp_send_error(req, HTTP_NOTFOUND, "stampede serves /metrics");
        return;
    }
    if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        evhttp_send_error(req, HTTP_BADMETHOD, "GET /metrics");
        return;
    }
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    if (!f) {
        evhttp_send_error(req, HTTP_SERVUNAVAIL, "out of memory");
        return;
    }
    int rendered = s->render(f, s->arg);
    if (fclose(f) != 0 || rendered < 0) {
        free(page);
        evhttp_send_error(req, HTTP_SERVUNAVAIL, rendered < 0 ? "no scoreboard" : "out of memory");
        return;
    }
    struct evbuffer *body = evbuffer_new();
    if (!body || evbuffer_add(body, page, len) < 0) {
        free(page);
        if (body)
            evbuffer_free(body);
        evhttp_send_error(req, HTTP_SERVUNAVAIL, "out of memory");
        return;
    }
    free(page);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "text/plain; version=0.0.4; charset=utf-8");
    evhttp_send_reply(req, HTTP_OK, "OK", body);
    evbuffer_free(body);
}

struct prom_server *prom_serve(struct event_base *base, int fd, prom_render_fn *render,
                               void *arg)
{
    struct prom_server *s = calloc(1, sizeof(*s));
    if (!s || !(s->http = evhttp_new(base)) || !evhttp_accept_socket_with_handle(s->http, fd)) {
        if (s && s->http)
            evhttp_free(s->http);
        free(s);
        close(fd);
        return NULL;
    }
    s->render = render;
    s->arg = arg;
    evhttp_set_timeout(s->http, SCRAPE_TIMEOUT_S);
    evhttp_set_gencb(s->http, on_request, s);
    return s;
}

void prom_serve_free(struct prom_server *s)
{
    if (!s)
        return;
    evhttp_free(s->http); /* closes the bound socket too */
    free(s);
}
