/* top_draw: drawing frames with ncurses; see top_draw.h. */
#include "top_draw.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "top_fmt.h"

enum { PAIR_BAD = 1, PAIR_BAR, PAIR_LABEL };

static int started;
static int utf8;   /* the terminal takes block characters for the chart */

int top_draw_start(void)
{
    setlocale(LC_ALL, "");
    utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    /* newterm, not initscr: initscr exits the process on a bad terminal, we want a message. */
    const char *term = getenv("TERM");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "stampede-top: the screen needs a terminal (use -b for plain text)\n");
        return -1;
    }
    if (!newterm(term, stdout, stdin)) {
        fprintf(stderr, "stampede-top: cannot use terminal type '%s' (set TERM, or use -b)\n",
                term ? term : "");
        return -1;
    }
    started = 1;
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(PAIR_BAD, COLOR_RED, -1);
        init_pair(PAIR_BAR, COLOR_GREEN, -1);
        init_pair(PAIR_LABEL, COLOR_CYAN, -1);
    }
    return 0;
}

void top_draw_stop(void)
{
    if (started)
        endwin();
    started = 0;
}

int top_draw_key(int ms)
{
    timeout(ms < 0 ? 0 : ms);
    int ch = getch();
    return ch == ERR ? -1 : ch;
}

/* A line cut to the screen's width: never wraps onto the next one. */
static void put(int y, int x, const char *s, attr_t attr)
{
    if (y < 0 || y >= LINES || x >= COLS)
        return;
    attron(attr);
    mvaddnstr(y, x, s, COLS - x);
    attroff(attr);
}

static attr_t color(int pair)
{
    return has_colors() ? COLOR_PAIR(pair) : A_NORMAL;
}

static void draw_too_small(void)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "terminal too small (%dx%d): stampede-top needs %dx%d", COLS,
             LINES, TOP_DRAW_MIN_COLS, TOP_DRAW_MIN_LINES);
    /* Word-wrapped by hand, so even a tiny window shows the whole sentence. */
    int y = 0, len = (int)strlen(msg), at = 0;
    while (at < len && y < LINES) {
        int n = len - at < COLS ? len - at : COLS;
        mvaddnstr(y++, 0, msg + at, n);
        at += n;
    }
}

/* Vertical bars, newest on the right, scaled to the largest visible point. */
static void draw_bars(int y, int x, int rows, int width, const double *ring, unsigned n,
                      unsigned head, double max, attr_t attr)
{
    static const char *const eighths[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
    int points = (int)n < width ? (int)n : width;
    int levels = utf8 ? 8 : 1;
    attron(attr);
    for (int i = 0; i < points; i++) {
        double v = ring[(head + TOP_CHART_LEN - (unsigned)points + (unsigned)i) % TOP_CHART_LEN];
        int units = max > 0 ? (int)(v / max * rows * levels + 0.5) : 0;
        /* A non-zero value always shows, so a trickle of failures is never invisible. */
        if (units == 0 && v > 0)
            units = 1;
        int col = x + width - points + i;
        for (int r = 0; r < rows && units > 0; r++, units -= levels) {
            int part = units >= levels ? levels : units;
            if (utf8)
                mvaddstr(y + rows - 1 - r, col, eighths[part]);
            else
                mvaddch(y + rows - 1 - r, col, '#');
        }
    }
    attroff(attr);
}

static double ring_max(const double *ring, unsigned n, unsigned head, int width)
{
    double max = 0;
    int points = (int)n < width ? (int)n : width;
    for (int i = 0; i < points; i++) {
        double v = ring[(head + TOP_CHART_LEN - (unsigned)points + (unsigned)i) % TOP_CHART_LEN];
        if (v > max)
            max = v;
    }
    return max;
}

/* The requests/s chart above a strip of failed/s, each with its own scale on the left. */
static void draw_chart(int y, int rows, const struct top_model *m)
{
    const struct top_chart *ch = &m->chart;
    const int axis = 8;
    int width = COLS - axis - 1;
    int fail_rows = rows >= 8 ? 2 : 1;
    int req_rows = rows - 1 - fail_rows;
    char line[256], a[32], b[32], c[32], d[32];
    double rmax = ring_max(ch->rps, ch->n, ch->head, width);
    double fmax = ring_max(ch->failed_ps, ch->n, ch->head, width);
    double now_r = ch->n ? ch->rps[(ch->head + TOP_CHART_LEN - 1) % TOP_CHART_LEN] : 0;
    double now_f = ch->n ? ch->failed_ps[(ch->head + TOP_CHART_LEN - 1) % TOP_CHART_LEN] : 0;

    snprintf(line, sizeof(line), "requests/s  now %s  max %s     failed/s  now %s  max %s"
             "     %.1fs a column",
             top_fmt_rate(now_r, a, sizeof(a)), top_fmt_rate(rmax, b, sizeof(b)),
             top_fmt_rate(now_f, c, sizeof(c)), top_fmt_rate(fmax, d, sizeof(d)),
             ch->step_s > 0 ? ch->step_s : 1.0);
    put(y, 0, line, A_BOLD);
    if (req_rows < 1 || width < 10)
        return;
    put(y + 1, 0, top_fmt_rate(rmax, a, sizeof(a)), color(PAIR_LABEL));
    put(y + req_rows, 0, "0", color(PAIR_LABEL));
    for (int r = 0; r < req_rows + fail_rows; r++)
        mvaddch(y + 1 + r, axis, r < req_rows ? ACS_VLINE : ':');
    draw_bars(y + 1, axis + 1, req_rows, width, ch->rps, ch->n, ch->head, rmax,
              color(PAIR_BAR));
    put(y + 1 + req_rows, 0, "failed", color(PAIR_BAD));
    draw_bars(y + 1 + req_rows, axis + 1, fail_rows, width, ch->failed_ps, ch->n, ch->head,
              fmax, color(PAIR_BAD));
}

static void draw_help(void)
{
    static const char *const lines[] = {
        "stampede-top keys",
        "",
        "  q        quit (the run goes on)",
        "  p        pause / resume the display",
        "  s / S    next / previous sort column",
        "  r        reverse the sort order",
        "  h or ?   this help; any key closes it",
        "",
        "Columns: clients active/started, requests started,",
        "ok, failed, in flight, requests/s and bytes/s in",
        "and out over the last interval, p50 and p99 latency",
        "of the requests that finished in that interval.",
    };
    int n = (int)(sizeof(lines) / sizeof(lines[0]));
    int w = 56, h = n + 2;
    int y = (LINES - h) / 2, x = (COLS - w) / 2;
    if (y < 0)
        y = 0;
    if (x < 0)
        x = 0;
    WINDOW *win = newwin(h < LINES ? h : LINES, w < COLS ? w : COLS, y, x);
    if (!win)
        return;
    werase(win);
    box(win, 0, 0);
    for (int i = 0; i < n && i + 1 < getmaxy(win) - 1; i++)
        mvwaddnstr(win, i + 1, 2, lines[i], getmaxx(win) - 4);
    wnoutrefresh(stdscr);
    wnoutrefresh(win);
    doupdate();
    delwin(win);
}

/* Splits the rows between the workers and the chart: all workers when they leave the chart a
 * few lines, else as many as fit above a small chart (the rest are counted, not shown). */
static void split_rows(int avail, unsigned nworkers, int *wrows, int *crows)
{
    const int chart_min = 4, chart_max = 20;
    if (nworkers + (unsigned)chart_min <= (unsigned)avail) {
        *wrows = (int)nworkers;
        *crows = avail - *wrows < chart_max ? avail - *wrows : chart_max;
    } else if (avail >= chart_min + 2) {
        *crows = chart_min;
        *wrows = avail - chart_min;
    } else {
        *crows = 0;
        *wrows = avail > 1 ? avail : 1;
    }
}

#define TOP_DRAW_MAX_RANKS 8u

void top_draw_frame(const struct top_model *m, const struct top_view *v, int help)
{
    char line[1024];
    erase();
    if (COLS < TOP_DRAW_MIN_COLS || LINES < TOP_DRAW_MIN_LINES) {
        draw_too_small();
        refresh();
        return;
    }
    int y = 0;
    top_text_title(line, sizeof(line), m);
    put(y++, 0, line, A_BOLD);
    top_text_clients(line, sizeof(line), m);
    put(y++, 0, line, A_NORMAL);
    top_text_requests(line, sizeof(line), m, v);
    put(y++, 0, line, m->total.failed ? color(PAIR_BAD) : A_NORMAL);
    y++;

    unsigned cols = top_text_columns(COLS);
    int sort_at, sort_len;
    top_text_table_head(line, sizeof(line), cols, v, &sort_at, &sort_len);
    /* The whole title row in reverse video, the sort column's title also bold. */
    mvhline(y, 0, ' ' | A_REVERSE, COLS);
    put(y, 0, line, A_REVERSE);
    if (sort_at >= 0 && sort_at < COLS) {
        attron(A_REVERSE | A_BOLD);
        mvaddnstr(y, sort_at, line + sort_at, sort_len);
        attroff(A_REVERSE | A_BOLD);
    }
    y++;

    int extras = m->nextras > 0;
    int sequences = m->seq.steps_planned > 0 || m->seq.steps_done > 0;
    /* Below the workers: totals, blank, 6 to 9 summary lines (the plugins' counters, the
     * intended latency of a run with a rate, the sequences' progress), blank, chart, status
     * bar. */
    /* stampede-mpi's rank 0: a title and a row per rank, up to TOP_DRAW_MAX_RANKS */
    unsigned rank_rows = m->nranks <= TOP_DRAW_MAX_RANKS ? m->nranks : TOP_DRAW_MAX_RANKS;
    int ranks = m->nranks ? 1 + (int)rank_rows + 1 : 0;
    int fixed = 1 + 1 + 6 + extras + m->open_model + sequences + 1 + 1 + ranks;
    int avail = LINES - y - fixed;
    int wrows, crows;
    split_rows(avail, m->nworkers, &wrows, &crows);
    unsigned *order = malloc(m->nworkers * sizeof(*order));
    if (order) {
        top_model_sort(m, v->sort, v->reverse, order);
        unsigned shown = m->nworkers <= (unsigned)wrows ? m->nworkers : (unsigned)wrows - 1;
        for (unsigned i = 0; i < shown; i++) {
            const struct top_row *r = &m->rows[order[i]];
            top_text_table_row(line, sizeof(line), cols, r);
            int bad = r->failed > 0 || r->state == SB_WORKER_KILLED ||
                      (r->state == SB_WORKER_EXITED && r->exit_code > 0);
            put(y + (int)i, 0, line, bad ? color(PAIR_BAD) : A_NORMAL);
        }
        if (shown < m->nworkers) {
            snprintf(line, sizeof(line), "  ... %u more workers (sorted by %s)",
                     m->nworkers - shown, top_col_names[v->sort]);
            put(y + (int)shown, 0, line, A_DIM);
        }
        free(order);
    }
    y += wrows;
    top_text_table_row(line, sizeof(line), cols, &m->total);
    put(y++, 0, line, A_BOLD);
    y++;
    if (m->nranks) {
        top_text_ranks_head(line, sizeof(line));
        mvhline(y, 0, ' ' | A_REVERSE, COLS);
        put(y++, 0, line, A_REVERSE);
        unsigned shown = m->nranks <= rank_rows ? m->nranks : rank_rows - 1;
        for (unsigned r = 0; r < shown; r++) {
            const struct top_rank *k = &m->ranks[r];
            top_text_rank_row(line, sizeof(line), k);
            put(y++, 0, line, k->failed || k->state == SB_RANK_LOST ? color(PAIR_BAD) : A_NORMAL);
        }
        if (shown < m->nranks) {
            snprintf(line, sizeof(line), "  ... %u more ranks (stampede-top -b shows them all)",
                     m->nranks - shown);
            put(y++, 0, line, A_DIM);
        }
        y++;
    }
    top_text_status(line, sizeof(line), m);
    put(y++, 0, line, A_NORMAL);
    top_text_errors(line, sizeof(line), m);
    put(y++, 0, line, m->total.failed ? color(PAIR_BAD) : A_NORMAL);
    top_text_latency(line, sizeof(line), m, 0);
    put(y++, 0, line, A_NORMAL);
    top_text_latency(line, sizeof(line), m, 1);
    put(y++, 0, line, A_NORMAL);
    if (top_text_intended(line, sizeof(line), m))
        put(y++, 0, line, A_NORMAL);
    if (top_text_sequences(line, sizeof(line), m))
        put(y++, 0, line, A_NORMAL);
    top_text_conns(line, sizeof(line), m);
    put(y++, 0, line, A_NORMAL);
    top_text_generator(line, sizeof(line), m);
    put(y++, 0, line, A_NORMAL);
    if (top_text_extras(line, sizeof(line), m))
        put(y++, 0, line, A_NORMAL);
    y++;
    if (crows > 0)
        draw_chart(y, crows, m);

    /* Status bar: what matters now on the left, the keys on the right. */
    char note[512];
    top_text_note(note, sizeof(note), m, v);
    const char *keys = "q quit  p pause  s sort  r reverse  h help";
    snprintf(line, sizeof(line), " %s", note[0] ? note : v->path);
    mvhline(LINES - 1, 0, ' ' | A_REVERSE, COLS);
    put(LINES - 1, 0, line, A_REVERSE | (note[0] ? A_BOLD : A_NORMAL));
    int kx = COLS - (int)strlen(keys) - 1;
    if (kx > (int)strlen(line) + 2)
        put(LINES - 1, kx, keys, A_REVERSE);
    if (help) {
        draw_help();
        return;
    }
    refresh();
}

void top_draw_waiting(const char *path, const char *why)
{
    char line[1024];
    erase();
    if (COLS < TOP_DRAW_MIN_COLS || LINES < TOP_DRAW_MIN_LINES) {
        draw_too_small();
        refresh();
        return;
    }
    put(0, 0, "stampede-top", A_BOLD);
    snprintf(line, sizeof(line), "waiting for %s", path);
    put(2, 0, line, A_NORMAL);
    snprintf(line, sizeof(line), "(%s)", why);
    put(3, 0, line, A_DIM);
    mvhline(LINES - 1, 0, ' ' | A_REVERSE, COLS);
    put(LINES - 1, 0, " q quit", A_REVERSE);
    refresh();
}
