/* config_int: what the configuration's own files share and nobody else sees. Reading
 * (config_read.c) turns the INI file, the -D strings and the flags into a list of entries;
 * building (config_build.c) turns the entries into the checked struct config. */
#ifndef STAMPEDE_CONFIG_INT_H
#define STAMPEDE_CONFIG_INT_H

#include <stddef.h>

#include "config.h"
#include "config_keys.h"

/* Header precedence: a header replaces same-named headers of lower levels only. A flag for a
 * request key (-H, --timeout) stands in [defaults] but above every -D. */
enum level { LVL_DEFAULTS_FILE, LVL_DEFAULTS_D, LVL_REQUEST_FILE, LVL_REQUEST_D, LVL_FLAG };

/* One setting, wherever it came from. */
struct entry {
    int sec;                     /* enum config_section */
    size_t idx;                  /* the request (SEC_REQUEST) or plugin (SEC_PLUGIN) index */
    const struct config_key *k;  /* NULL for a [dns] name or a plugin's own option */
    char *key;                   /* lower case, as written */
    char *value;
    char *where;                 /* "FILE:LINE", "-D ..." or "--flag" */
    int line;                    /* 0 unless from the file */
    int from_file;               /* relative paths are relative to the file's directory */
    int from_flag;               /* value errors leave the key out: the flag names it */
    int level;                   /* enum level */
};

/* A [request NAME] or [plugin NAME] section. */
struct named_section {
    char *name;
    int line;
    size_t steps;                /* [sequence NAME]: steps read so far */
    long inline_req;             /* [sequence NAME]: the request its last inline url made, or
                                    -1; postdata goes to it */
    int inline_post;             /* that request has its postdata */
    char *where;                 /* a [plugin NAME] that only -D made: that -D, for messages
                                    (it has no line); NULL otherwise */
};

struct load {
    struct config *c;
    const char *path;            /* for messages: the file, or "URL '...'" for a URL run */
    char *dir;                   /* the file's directory, for relative paths */
    int url_mode;
    struct entry *ents;
    size_t nents, cap_ents;
    struct named_section *reqs;
    size_t nreqs, cap_reqs;
    struct named_section *plugs; /* in file order */
    size_t nplugs, cap_plugs;
    struct named_section *seqs;  /* [sequence NAME], in file order */
    size_t nseqs, cap_seqs;
    struct named_section *datas; /* [data NAME], in file order */
    size_t ndatas, cap_datas;
};

/* The value of every key while a struct is built (config_build.c). */
struct slot {
    union config_value v;
    int has;                     /* a value, from the default or an entry */
    const char *where;           /* the entry that set it last; NULL: the default */
    const struct config_key *by; /* that entry's key (body_file fills body's slot) */
};

/* A key's place in the table, and so in an array of slots (a key that fills another's slot,
 * as body_file fills body's, has that one's). */
static inline size_t key_index(const struct config_key *k)
{
    if (k->slot)
        k = config_key_find(k->slot);
    return (size_t)(k - config_keys);
}

/* ---- config_run.c ---- */

/* What the key table cannot check of [run] alone: the open model's timetable, segments,
 * max_clients, the defaults of clients and ramp_start that follow from each other, and the
 * combinations that cannot go together. Prints the error and returns -1. */
int config_check_run(const struct load *L, const struct slot *slots);
/* [run] local_ips against the requests whose host is an address: a family the list lacks
 * could never connect. Prints the error and returns -1. */
int config_check_local_ips_family(const struct load *L);

/* ---- config_msg.c ---- */

void config_errorf(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void config_oom(const char *where);
/* " (did you mean 'x'?)", else " (fallback)", else "", into buf. */
const char *config_hint(const char *word, const char *const *known, const char *fallback,
                        char *buf, size_t len);

/* ---- config_keys.c ---- */

/* Parses one entry's value for its key into *out (an owned string for the string types);
 * prints the error and returns -1 when it is not one. */
int config_value_parse(const struct load *L, const struct entry *e, union config_value *out);
/* Parses a key's default; a default that does not parse is a bug of the table. */
int config_value_default(const struct config_key *k, union config_value *out);
/* Stores v into the key's field of base; a string moves into the field. */
void config_value_store(const struct config_key *k, void *base, union config_value *v);
int config_type_is_string(enum config_type t);

/* ---- config_read.c ---- */

int config_read_file(struct load *L, const char *path);
int config_read_defines(struct load *L, const char *const *defines, size_t n);
int config_read_flags(struct load *L, const struct config_flag *flags, size_t n);
/* Adds an entry (copies of key, value, where); NULL on failure, printed. */
struct entry *config_push_entry(struct load *L, int sec, size_t idx, const struct config_key *k,
                                const char *key, const char *value, const char *where, int line,
                                int level);
void config_load_free(struct load *L);
/* Adds a [request NAME] (takes name): its index, or -1 after printing the error. */
int config_add_request_section(struct load *L, char *name, int line, const char *where);

/* ---- config_build.c ---- */

int config_build(struct load *L);
/* Builds request r ([tls] < [defaults] < its section < flags) into s. */
int config_build_request(const struct load *L, size_t r, struct request_spec *s);
void config_free_request(struct request_spec *s);

/* ---- config_ammo.c ---- */

/* [run] ammo: loads the file and makes one request per tag from the target (base_url, or the
 * command line's URL), as config_build_request makes a request; an stpd plan becomes the
 * schedule. Returns 0, or -1 after printing the error. */
int config_build_ammo(struct load *L);

/* ---- config_sequence.c ---- */

/* In a [sequence NAME]: an inline url line becomes a request of its own, NAME.N (N its step),
 * and a step of the sequence; a postdata line makes the inline url before it a POST. Returns
 * 0, or -1 after printing the error. */
int config_sequence_url(struct load *L, size_t seq, const char *value, const char *where,
                        int line);
int config_sequence_postdata(struct load *L, size_t seq, const char *value, const char *where,
                             int line);
/* Builds the [sequence NAME] sections once the requests are built, and refuses what cannot
 * go with them. Returns 0, or -1 after printing the error. */
int config_build_sequences(struct load *L);

/* ---- config_feeder.c ---- */

/* The [data NAME] sections: each file read whole and checked (a header row, every row as
 * many fields). Returns 0, or -1 after the message ("FILE:LINE: ..."). */
int config_build_feeders(struct load *L);
void config_free_feeders(struct config *c);

/* ---- config_session.c ---- */

/* After the requests and sequences: the variables the captures set, and every ${NAME} of a
 * request checked against them and the built-ins. Returns 0, or -1 after the message. */
int config_build_sessions(struct load *L);
void config_free_sequences(struct config *c);

#endif
