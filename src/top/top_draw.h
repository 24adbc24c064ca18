/* top_draw: the interactive screen on ncurses: header lines, the worker table, totals, the
 * requests/s chart, a status bar and the help window. Every frame is drawn whole from the
 * model, so a resize only needs the next frame. */
#ifndef STAMPEDE_TOP_DRAW_H
#define STAMPEDE_TOP_DRAW_H

#include "top_model.h"
#include "top_text.h"

/* The smallest terminal a frame fits in; below it the screen says so. */
#define TOP_DRAW_MIN_COLS 60
#define TOP_DRAW_MIN_LINES 16

/* Takes over the terminal. Returns 0, or -1 (with a message on stderr) when there is none. */
int top_draw_start(void);
/* Gives the terminal back as it was. Safe to call when not started. */
void top_draw_stop(void);

void top_draw_frame(const struct top_model *m, const struct top_view *v, int help);
/* Before the file can be read: what the viewer waits for, and why. */
void top_draw_waiting(const char *path, const char *why);

/* Waits up to ms for a key; returns it, KEY_RESIZE, or -1 on timeout or signal. */
int top_draw_key(int ms);

#endif
