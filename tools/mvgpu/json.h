/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer: objects, arrays, strings (escaped), numbers, true,
 * false and null, with the commas in the right places.  Output is one line;
 * the caller adds the newline.
 */
#ifndef MVGPU_JSON_H
#define MVGPU_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each level */
};

void json_init(struct json *j, FILE *f);
/* key is the member name inside an object, NULL inside an array. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
/* A number with at most `decimals` digits after the point; null if NaN. */
void json_num(struct json *j, const char *key, double v, int decimals);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* A value from a sysfs "key value" line: a number if it is one, else a string. */
void json_auto(struct json *j, const char *key, const char *v);

#endif
