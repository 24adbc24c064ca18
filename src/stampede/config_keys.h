/* config_keys: the one table of configuration keys. Each key says in which sections it may
 * stand, its type, where its value is stored, how it is checked, its default, its command-line
 * flag if it has one and a line of help. The reader, the -D overrides, the flags, the "did you
 * mean" hints, --list-keys and the man page test all read this table (nginx's ngx_command_t
 * is the model). */
#ifndef STAMPEDE_CONFIG_KEYS_H
#define STAMPEDE_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The kinds of sections; SEC_NONE is "before the first section". */
enum config_section {
    SEC_NONE, SEC_RUN, SEC_DEFAULTS, SEC_REQUEST, SEC_DNS, SEC_TLS, SEC_PLUGIN, SEC_THRESHOLDS,
    SEC_SEQUENCE, SEC_DATA
};
#define SEC_BIT(s) (1u << (s))
/* A request key may stand in a request or in [defaults]; a TLS key in [tls] as well. */
#define SECS_REQUEST (SEC_BIT(SEC_REQUEST) | SEC_BIT(SEC_DEFAULTS))
#define SECS_TLS (SECS_REQUEST | SEC_BIT(SEC_TLS))

/* What a kind of section is, indexed by enum config_section (SEC_NONE has no word). */
struct config_section_kind {
    const char *word;      /* "request" for [request NAME] */
    int named;             /* written [WORD NAME] */
    int any_key;           /* takes keys the table does not know: host names in [dns], a
                              plugin's own options in [plugin NAME] */
    const char *keys_hint; /* where an unknown key's user should look */
    int raw;               /* its lines are taken whole, not as key = value ([thresholds]) */
};
extern const struct config_section_kind config_sections[];
/* The section words, NULL-terminated, in enum order from SEC_RUN: for suggestions. */
extern const char *const config_section_words[];

enum config_type {
    CT_COUNT,    /* whole number with k / M / G; stored in a uint64_t or a uint32_t/unsigned */
    CT_SIZE,     /* a count of bytes, same syntax */
    CT_DURATION, /* 250ms, 1.5s, 2m; stored as int64_t nanoseconds */
    CT_BOOL,     /* yes / no ...; stored as int */
    CT_ENUM,     /* one of the key's words; stored as int */
    CT_STRING,   /* stored as a malloc'd char * */
    CT_PATH,     /* a string; relative to the INI file's directory when written there */
    CT_LIST,     /* names separated by spaces or commas, kept as written */
};

/* Key flags. */
#define KF_JOIN 1u   /* indented lines continue the value, joined with "\n" (body) */
#define KF_REPEAT 2u /* may be set many times; each indented line is one more value (header) */
#define KF_READ 4u   /* a file read at load time: unreadable is an error where it is set */

/* A parsed value, before it is checked and stored. */
union config_value {
    uint64_t u;  /* CT_COUNT, CT_SIZE */
    int64_t ns;  /* CT_DURATION */
    int i;       /* CT_BOOL, CT_ENUM */
    char *s;     /* CT_STRING, CT_PATH, CT_LIST: owned */
};

struct config_word {
    const char *word;
    int value;
};

struct config_key {
    const char *name;
    unsigned sections;     /* SEC_BIT()s where the key is allowed */
    enum config_type type;
    size_t offset, size;   /* the field in struct config ([run]), struct request_spec (request,
                              [defaults], [tls]) or struct plugin_conf ([plugin NAME]) */
    const char *def;       /* the default, written as in the file; NULL: none or computed */
    unsigned flags;        /* KF_* */
    const char *slot;      /* another key this one replaces (body_file: body); NULL: itself */
    const struct config_word *words; /* CT_ENUM: the accepted words, first ones shown */
    const char *what;      /* CT_ENUM: "a keep-alive mode", for messages */
    /* parses v into *out, or prints "WHERE: KEY: ..." and returns -1; NULL: by type */
    int (*parse)(const struct config_key *k, const char *where, const char *label,
                 const char *v, union config_value *out);
    /* a checked value, once every layer is applied: 0, or -1 with a message in msg */
    int (*check)(const struct config_key *k, const union config_value *v, char *msg,
                 size_t len);
    const char *flag;      /* long command-line flag ("workers" for --workers), or NULL */
    char short_flag;       /* 'w', or 0 */
    const char *flag_arg;  /* the value's name in --help ("N", "TIME"); NULL: no value */
    const char *help;      /* one line */
    char short_alias;      /* a second short flag, as users of another tool write it ('t' for
                              -w: wrk's threads), or 0 */
    const char *no_flag;   /* CT_BOOL: a long flag that sets the key to no ("insecure") */
    char no_short_flag;    /* its short form ('k'), or 0 */
    const char *no_help;   /* its line of help */
};

extern const struct config_key config_keys[];
extern const size_t config_nkeys;

/* The key named `name` (lower case), or NULL. */
const struct config_key *config_key_find(const char *name);

/* The key set by command-line flag `flag` (long name without "--"), or NULL; *no is set to
 * whether it is the key's no_flag (NULL: only flags, not no_flags). */
const struct config_key *config_key_by_flag(const char *flag, int *no);

/* The names of the keys allowed in section kind `sec`, NULL-terminated, into names[] (room
 * for config_nkeys + 1). */
void config_key_names(int sec, const char **names);

/* "count", "duration", ...: the type as the man page names it. */
const char *config_type_name(enum config_type t);

/* Prints the table as "SECTIONS KEY TYPE DEFAULT HELP" lines (stampede --list-keys). */
void config_keys_print(FILE *f);

#endif
