/* Unit tests for the key table: each row is sound (unique names and flags, a default that
 * parses, a field inside its struct), and doc/stampede.ini.5 documents exactly the table's
 * keys, in the right sections, with the table's types and defaults. STAMPEDE_SRC is the
 * source tree, where the man page is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "config_keys.h"

#ifndef STAMPEDE_SRC
#define STAMPEDE_SRC "."
#endif

static void test_rows_are_sound(void **state)
{
    (void)state;
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        assert_non_null(k->name);
        assert_non_null(k->help);
        assert_true(k->sections != 0);
        for (const char *p = k->name; *p; p++)
            assert_true(islower((unsigned char)*p) || *p == '_');
        for (size_t j = 0; j < i; j++) {
            const struct config_key *o = &config_keys[j];
            if (strcmp(o->name, k->name) == 0)
                fail_msg("key %s twice", k->name);
            if (k->flag && o->flag && strcmp(k->flag, o->flag) == 0)
                fail_msg("flag --%s twice", k->flag);
            if (k->short_flag && k->short_flag == o->short_flag)
                fail_msg("flag -%c twice", k->short_flag);
        }
        /* every short letter (flag, alias, no-flag) once, and none of main's own options */
        const char shorts[] = {k->short_flag, k->short_alias, k->no_short_flag};
        for (size_t s = 0; s < sizeof shorts; s++) {
            if (!shorts[s])
                continue;
            if (strchr("DqhV", shorts[s]))
                fail_msg("flag -%c of %s is one of main's", shorts[s], k->name);
            for (size_t j = 0; j < config_nkeys; j++) {
                const struct config_key *o = &config_keys[j];
                int uses = (o->short_flag == shorts[s]) + (o->short_alias == shorts[s]) +
                           (o->no_short_flag == shorts[s]);
                if (uses > (o == k))
                    fail_msg("flag -%c of %s is also %s's", shorts[s], k->name, o->name);
            }
        }
        if (k->flag)
            assert_ptr_equal(config_key_by_flag(k->flag, NULL), k);
        if (k->no_flag) { /* a yes/no pair: the key is a boolean and both flags find it */
            int no = 0;
            assert_int_equal(k->type, CT_BOOL);
            assert_non_null(k->no_help);
            assert_ptr_equal(config_key_by_flag(k->no_flag, &no), k);
            assert_int_equal(no, 1);
        }
        assert_ptr_equal(config_key_find(k->name), k);
        if (k->slot)
            assert_non_null(config_key_find(k->slot));
        if (k->type == CT_ENUM)
            assert_true(k->parse || (k->words && k->what));
        /* the field lies inside the struct of its sections */
        size_t room = (k->sections & SEC_BIT(SEC_RUN))       ? sizeof(struct config)
                      : (k->sections & SEC_BIT(SEC_PLUGIN)) ? sizeof(struct plugin_conf)
                                                             : sizeof(struct request_spec);
        assert_true(k->offset + k->size <= room);
        if (k->size && config_type_is_string(k->type))
            assert_int_equal(k->size, sizeof(char *));
        if (k->size && (k->type == CT_BOOL || k->type == CT_ENUM))
            assert_int_equal(k->size, sizeof(int));
        if (k->size && k->type == CT_DURATION)
            assert_int_equal(k->size, sizeof(int64_t));
        if (k->size && (k->type == CT_COUNT || k->type == CT_SIZE)) {
            assert_true(k->size == 8 || k->size == 4);
            if (k->size == 4)
                assert_non_null(k->check); /* something must keep it in 32 bits */
        }
        if (k->def) {
            union config_value v;
            if (config_value_default(k, &v) != 0)
                fail_msg("default '%s' of %s does not parse", k->def, k->name);
            if (config_type_is_string(k->type))
                free(v.s);
        }
    }
}

/* ---- the man page --------------------------------------------------------------------- */

struct doc_key {
    char name[40];
    int sec;
    char type[40];   /* the word after "key = " in the tag, as the page names the type */
    char text[2048]; /* the paragraph, roff removed */
};

static int section_of_heading(const char *line)
{
    static const struct {
        const char *heading;
        int sec;
    } map[] = {{"[run] SECTION", SEC_RUN},     {"[request NAME] SECTION", SEC_REQUEST},
               {"[tls] SECTION", SEC_TLS},     {"[defaults] SECTION", SEC_DEFAULTS},
               {"[dns] SECTION", SEC_DNS},     {"[plugin NAME] SECTION", SEC_PLUGIN},
               {"[sequence NAME] SECTION", SEC_SEQUENCE}, {"[data NAME] SECTION", SEC_DATA}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(line, map[i].heading))
            return map[i].sec;
    return SEC_NONE;
}

/* Appends a roff line to text without requests, fonts and quotes. */
static void add_text(char *text, size_t len, const char *line)
{
    if (line[0] == '.') {
        while (*line && !isspace((unsigned char)*line))
            line++;
    }
    size_t n = strlen(text);
    for (const char *p = line; *p && n + 2 < len; p++) {
        if (*p == '\\' && p[1] == 'f' && p[2]) {
            p += 2;
            continue;
        }
        if (*p == '\\' || *p == '"' || *p == '\n')
            continue;
        text[n++] = *p;
    }
    text[n++] = ' ';
    text[n] = '\0';
}

/* The keys the page documents: "NAME = " in the tag line after a .TP in a key section. */
static size_t read_doc(struct doc_key *keys, size_t max)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/doc/stampede.ini.5", STAMPEDE_SRC);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char line[1024];
    int sec = SEC_NONE, after_tp = 0;
    size_t n = 0, first_of_tag = 0, open_para = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, ".SH", 3) == 0)
            sec = section_of_heading(line);
        if (strncmp(line, ".SH", 3) == 0 || strncmp(line, ".TP", 3) == 0 ||
            strncmp(line, ".PP", 3) == 0)
            open_para = 0;
        if (after_tp && line[0] == '.' && sec != SEC_NONE && sec != SEC_DNS) {
            first_of_tag = n;
            /* every "name = " in the tag: "predelay = " ..., "\fPprejitter = " ... */
            for (char *p = strstr(line, " = "); p && n < max; p = strstr(p + 3, " = ")) {
                char *b = p;
                while (b > line && (islower((unsigned char)b[-1]) || b[-1] == '_'))
                    b--;
                if (b == p)
                    continue;
                memset(&keys[n], 0, sizeof keys[n]);
                snprintf(keys[n].name, sizeof keys[n].name, "%.*s", (int)(p - b), b);
                keys[n].sec = sec;
                const char *t = p + 3;
                t += strspn(t, "\" ");
                snprintf(keys[n].type, sizeof keys[n].type, "%.*s",
                         (int)strcspn(t, "\" |\n\\"), t);
                n++;
            }
            open_para = n > first_of_tag;
        } else if (open_para) {
            for (size_t i = first_of_tag; i < n; i++)
                add_text(keys[i].text, sizeof keys[i].text, line);
        }
        after_tp = strncmp(line, ".TP", 3) == 0;
    }
    fclose(f);
    return n;
}

static const struct doc_key *doc_find(const struct doc_key *keys, size_t n, const char *name,
                                      int sec)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i].sec == sec && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* The section whose paragraph documents a key: [run], a request (TLS keys too), a sequence,
 * a plugin. */
static int doc_section(const struct config_key *k)
{
    if (k->sections & SEC_BIT(SEC_RUN))
        return SEC_RUN;
    if (k->sections & SEC_BIT(SEC_REQUEST))
        return SEC_REQUEST;
    if (k->sections & SEC_BIT(SEC_SEQUENCE))
        return SEC_SEQUENCE;
    if (k->sections & SEC_BIT(SEC_DATA))
        return SEC_DATA;
    return SEC_PLUGIN;
}

/* "Default 10s." / "Default .BR yes ," / "Defaults 64k and 100": the value as a word. */
static int mentions_default(const char *text, const char *def)
{
    const char *d = strstr(text, "Default");
    size_t dl = strlen(def);
    for (const char *p = d; p && (p = strstr(p, def)); p++) {
        char before = p[-1], after = p[dl];
        if ((isspace((unsigned char)before)) &&
            (after == '\0' || isspace((unsigned char)after) || strchr(".,:;)", after)))
            return 1;
    }
    return 0;
}

static void test_man_page_matches_table(void **state)
{
    (void)state;
    static struct doc_key keys[128];
    size_t n = read_doc(keys, 128);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        const struct config_key *k = config_key_find(keys[i].name);
        if (!k)
            fail_msg("stampede.ini(5) documents '%s', which is not in the key table",
                     keys[i].name);
        if (doc_section(k) != keys[i].sec)
            fail_msg("stampede.ini(5) documents '%s' in the wrong section", k->name);
    }
    for (size_t i = 0; i < config_nkeys; i++) {
        const struct config_key *k = &config_keys[i];
        const struct doc_key *d = doc_find(keys, n, k->name, doc_section(k));
        if (!d)
            fail_msg("key '%s' is not documented in its section of stampede.ini(5)", k->name);
        /* the page's word for the type, where it uses one of the table's; a string may be
         * a path too (the scoreboard's, relative to the current directory) */
        static const char *const words[] = {"count", "size", "duration", "boolean", "path"};
        const char *tn = config_type_name(k->type);
        int as_path = strcmp(d->type, "path") == 0 && k->type == CT_STRING;
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            if (strcmp(d->type, words[w]) == 0 && strcmp(d->type, tn) != 0 && !as_path)
                fail_msg("stampede.ini(5) says %s is a %s, the table a %s", k->name, d->type,
                         tn);
        if (k->type != CT_STRING && k->type != CT_ENUM && k->type != CT_LIST &&
            strcmp(d->type, tn) != 0)
            fail_msg("stampede.ini(5) gives %s as '%s', the table as a %s", k->name, d->type,
                     tn);
        if (k->def && !mentions_default(d->text, k->def))
            fail_msg("stampede.ini(5) does not give %s's default %s: %s", k->name, k->def,
                     d->text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_are_sound),
        cmocka_unit_test(test_man_page_matches_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
