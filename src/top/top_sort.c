/* top_sort: the order of the worker rows, by any column; see top_model_sort in top_model.h. */
#include <stdlib.h>

#include "top_model.h"

static uint64_t sort_key(const struct top_row *r, enum top_col col)
{
    switch (col) {
    case TOP_COL_WORKER: return r->index;
    case TOP_COL_PID: return (uint64_t)(uint32_t)r->pid;
    case TOP_COL_STATE: return r->state;
    case TOP_COL_CLIENTS: return r->clients_active;
    case TOP_COL_REQUESTS: return r->started;
    case TOP_COL_OK: return r->ok;
    case TOP_COL_FAILED: return r->failed;
    case TOP_COL_INFLIGHT: return r->in_flight;
    /* Rates compare at a thousandth of a unit, plenty to order rows. */
    case TOP_COL_RPS: return (uint64_t)(r->rps * 1000);
    case TOP_COL_IN: return (uint64_t)(r->in_bps * 1000);
    case TOP_COL_OUT: return (uint64_t)(r->out_bps * 1000);
    case TOP_COL_P50: return r->p50_us;
    case TOP_COL_P99: return r->p99_us;
    default: return r->index;
    }
}

struct sort_ctx {
    const struct top_row *rows;
    enum top_col col;
    int descending;
};

static int row_cmp(const void *a, const void *b, void *arg)
{
    const struct sort_ctx *ctx = arg;
    const struct top_row *x = &ctx->rows[*(const unsigned *)a];
    const struct top_row *y = &ctx->rows[*(const unsigned *)b];
    uint64_t kx = sort_key(x, ctx->col), ky = sort_key(y, ctx->col);
    if (kx != ky)
        return (kx < ky) == !ctx->descending ? -1 : 1;
    /* Ties keep worker order, so equal rows do not swap places between frames. */
    return x->index < y->index ? -1 : x->index > y->index;
}

void top_model_sort(const struct top_model *m, enum top_col col, int reverse, unsigned *order)
{
    int names = col == TOP_COL_WORKER || col == TOP_COL_PID || col == TOP_COL_STATE;
    struct sort_ctx ctx = {.rows = m->rows, .col = col, .descending = names == !!reverse};
    for (unsigned w = 0; w < m->nworkers; w++)
        order[w] = w;
    qsort_r(order, m->nworkers, sizeof(*order), row_cmp, &ctx);
}
