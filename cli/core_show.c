// SPDX-License-Identifier: MIT
/*
 * core_show.c - `inspect --core [--btf FILE]`: every CO-RE relocation of an
 * object and what it resolves to against the target types (FILE, or this
 * kernel's /sys/kernel/btf/vmlinux), without loading anything: where the
 * instruction is, the kind, the local type and access, and the decision (a
 * value, 0 for a missing type or field an *_EXISTS asks about, or poisoned
 * with the reason).  Part of the command line: it prints.  Like inspect, it
 * reads the library's internal view of the object (lib/internal.h), which
 * the public header does not offer.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"
#include "lib/core.h"
#include "cli/cli.h"

struct show {
	const struct obj *obj;
	bool json;
	unsigned int rows, poisoned, failed;
};

static void row_print(const struct core_explained *x, void *ctx)
{
	struct show *sh = ctx;
	const struct btf *btf = sh->obj->btf;
	const struct core_decision *d = x->d;
	const char *access = btf_str(btf, x->rec->access_str_off);
	char spec[192], type[96];

	if (x->err)
		core_relo_describe(btf, x->rec, spec, sizeof(spec));
	else
		snprintf(spec, sizeof(spec), "%s", d->spec);
	btf_type_describe(btf, x->rec->type_id, type, sizeof(type));
	sh->poisoned += !x->err && d->poison;
	sh->failed += x->err != 0;
	if (sh->json) {
		printf("%s{\"section\":", sh->rows++ ? "," : "");
		json_string(x->section);
		printf(",\"program\":");
		if (x->func)
			json_string(x->func);
		else
			printf("null");
		printf(",\"insn\":%u,\"index\":%u,\"kind\":\"%s\",\"type_id\":%u,\"type\":", x->insn,
		       x->index, core_kind_name(x->rec->kind), x->rec->type_id);
		json_string(type);
		printf(",\"access\":");
		json_string(access);
		printf(",\"spec\":");
		json_string(spec);
		if (x->err) {
			printf(",\"error\":");
			json_string(x->msg);
			printf("}");
			return;
		}
		printf(",\"poisoned\":%s", d->poison ? "true" : "false");
		if (d->poison)
			printf(",\"value\":null");
		else
			printf(",\"value\":%llu,\"local_value\":%llu", (unsigned long long)d->new_val,
			       (unsigned long long)d->orig_val);
		printf(",\"target_id\":%u,\"candidates\":%u,\"reason\":", d->target_id, d->candidates);
		json_string(d->reason);
		printf("}");
		return;
	}
	if (!sh->rows++)
		printf("  %-18s %5s  %-14s %-10s %-36s %s\n", "PROGRAM", "INSN", "KIND", "ACCESS",
		       "LOCAL", "DECISION");
	printf("  %-18s %5u  %-14s %-10s %-36s ", text(x->func ? x->func : x->section), x->insn,
	       core_kind_name(x->rec->kind), access, spec);
	if (x->err)
		printf("error: %s\n", x->msg);
	else if (d->poison)
		printf("poisoned: %s\n", d->reason);
	else if (x->rec->kind == CORE_TYPE_ID_LOCAL)
		printf("%llu (local type id)\n", (unsigned long long)d->new_val);
	else if (!d->target)
		printf("%llu (%s)\n", (unsigned long long)d->new_val, d->reason);
	else if (d->new_val != d->orig_val)
		printf("%llu (was %llu; %s type %u)\n", (unsigned long long)d->new_val,
		       (unsigned long long)d->orig_val, d->target->name, d->target_id);
	else
		printf("%llu (%s type %u)\n", (unsigned long long)d->new_val, d->target->name,
		       d->target_id);
}

int inspect_core(const struct xdpl_obj *xo, const char *path, const struct opts *o)
{
	const struct obj *obj = &xo->obj;
	struct show sh = { obj, o->json, 0, 0, 0 };
	struct xdpl_error e = { 0 };
	char target[256];
	int err;

	if (o->json) {
		printf("{\"object\":");
		json_string(path);
		printf(",\"relocations\":[");
	}
	err = core_obj_explain(obj, o->load.target_btf, row_print, &sh, target, sizeof(target), &e);
	if (err) {
		if (o->json)
			printf("]}\n");
		return report(&e, EXIT_OBJECT);
	}
	if (o->json) {
		printf("],\"target\":");
		json_string(target);
		printf(",\"poisoned\":%u,\"errors\":%u}\n", sh.poisoned, sh.failed);
	} else if (!sh.rows) {
		printf("%s: no CO-RE relocations\n", path);
	} else {
		printf("%u CO-RE relocations against %s: %u poisoned, %u unresolvable\n", sh.rows, target,
		       sh.poisoned, sh.failed);
	}
	return sh.failed ? EXIT_OBJECT : EXIT_OK;
}
