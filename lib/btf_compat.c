// SPDX-License-Identifier: MIT
/*
 * btf_compat.c - BTF for kernels older than the compiler: which newer kinds an
 * object's BTF uses, tiny BTF blobs that ask the kernel whether it knows one
 * kind, and a copy of the BTF with the kinds it lacks rewritten into older
 * kinds of the same size and layout, so type ids and offsets stay valid.
 *
 * load.c decides from the kernel's answers; nothing here makes a syscall.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"

unsigned int btf_features_used(const struct btf *btf)
{
	unsigned int used = 0;

	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];

		switch (btf_kind(t)) {
		case BTF_KIND_FUNC:
			used |= BTF_FEAT_FUNC | (btf_vlen(t) == 1 ? BTF_FEAT_GLOBAL_FUNC : 0);
			break;
		case BTF_KIND_FUNC_PROTO:
			used |= BTF_FEAT_FUNC;
			break;
		case BTF_KIND_VAR:
		case BTF_KIND_DATASEC:
			used |= BTF_FEAT_DATASEC;
			break;
		case BTF_KIND_FLOAT:
			used |= BTF_FEAT_FLOAT;
			break;
		case BTF_KIND_DECL_TAG:
			used |= BTF_FEAT_DECL_TAG;
			break;
		case BTF_KIND_TYPE_TAG:
			used |= BTF_FEAT_TYPE_TAG;
			break;
		case BTF_KIND_ENUM64:
			used |= BTF_FEAT_ENUM64;
			break;
		case BTF_KIND_ENUM:
			used |= btf_kflag(t) ? BTF_FEAT_ENUM64 : 0; /* signed enums came with ENUM64 */
			break;
		}
	}
	return used;
}

static uint32_t type_info(uint32_t kind, uint32_t vlen)
{
	return kind << 24 | (vlen & 0xffff);
}

/*
 * A copy of the BTF with every kind in `missing` rewritten into an older one
 * of the same size and layout, so that type ids and offsets stay valid.  An
 * ENUM64 becomes a UNION whose members need a type: one INT is appended.
 */
int btf_sanitized(const struct btf *btf, unsigned int missing, uint8_t **blob, uint32_t *size)
{
	const struct btf_header *h0 = (const struct btf_header *)btf->data;
	struct btf_type placeholder = { 0, type_info(BTF_KIND_INT, 0), 1 };
	uint32_t placeholder_enc = 8, extra = sizeof(placeholder) + 4;
	uint32_t types_end = h0->hdr_len + h0->type_off + h0->type_len;
	struct btf_header *h;
	uint8_t *out;
	char *strs;

	out = calloc(1, btf->size + extra); /* gaps in the original layout stay zero */
	if (!out)
		return -ENOMEM;
	/* Layout: header, types, [placeholder INT], strings. */
	memcpy(out, btf->data, types_end);
	memcpy(out + types_end, &placeholder, sizeof(placeholder));
	memcpy(out + types_end + sizeof(placeholder), &placeholder_enc, 4);
	memcpy(out + types_end + extra, btf->strs, btf->strs_len);
	h = (struct btf_header *)out;
	h->type_len += extra;
	h->str_off = h->type_off + h->type_len;
	strs = (char *)out + h->hdr_len + h->str_off;

	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		struct btf_type *t = (struct btf_type *)(out + ((uint8_t *)btf->types[id] - btf->data));
		uint32_t kind = btf_kind(t), vlen = btf_vlen(t);

		if ((missing & BTF_FEAT_FUNC) && kind == BTF_KIND_FUNC_PROTO) {
			t->info = type_info(BTF_KIND_ENUM, vlen); /* btf_param and btf_enum are both 8 bytes */
			t->size_or_type = 4;
		} else if ((missing & BTF_FEAT_FUNC) && kind == BTF_KIND_FUNC) {
			t->info = type_info(BTF_KIND_TYPEDEF, 0);
		} else if ((missing & BTF_FEAT_GLOBAL_FUNC) && kind == BTF_KIND_FUNC) {
			t->info = type_info(BTF_KIND_FUNC, 0); /* global linkage becomes static */
		} else if ((missing & BTF_FEAT_DATASEC) && kind == BTF_KIND_VAR) {
			t->info = type_info(BTF_KIND_INT, 0);
			t->size_or_type = 1;
			*(uint32_t *)btf_type_data(t) = 8;
		} else if ((missing & BTF_FEAT_DATASEC) && kind == BTF_KIND_DATASEC) {
			struct btf_var_secinfo *v = btf_type_data(t);
			struct btf_member *m = btf_type_data(t);

			t->info = type_info(BTF_KIND_STRUCT, vlen);
			/* A struct name may not hold the dots of a section name. */
			for (char *c = strs + t->name_off; *c; c++)
				if (*c == '.' || *c == '/')
					*c = '_';
			for (uint32_t i = 0; i < vlen; i++) {
				struct btf_var_secinfo vi = v[i];

				m[i].offset = vi.offset * 8;
				m[i].type = vi.type;
				m[i].name_off = btf->types[vi.type]->name_off;
			}
		} else if ((missing & BTF_FEAT_FLOAT) && kind == BTF_KIND_FLOAT) {
			t->name_off = 0;
			t->info = type_info(BTF_KIND_STRUCT, 0);
		} else if ((missing & BTF_FEAT_DECL_TAG) && kind == BTF_KIND_DECL_TAG) {
			t->name_off = 0;
			t->info = type_info(BTF_KIND_INT, 0);
			t->size_or_type = 1;
			*(uint32_t *)btf_type_data(t) = 8;
		} else if ((missing & BTF_FEAT_TYPE_TAG) && kind == BTF_KIND_TYPE_TAG) {
			t->name_off = 0;
			t->info = type_info(BTF_KIND_CONST, 0);
		} else if ((missing & BTF_FEAT_ENUM64) && kind == BTF_KIND_ENUM64) {
			struct btf_member *m = btf_type_data(t); /* btf_enum64 and btf_member: 12 bytes */

			t->info = type_info(BTF_KIND_UNION, vlen);
			for (uint32_t i = 0; i < vlen; i++) {
				m[i].type = btf->nr_types + 1;
				m[i].offset = 0;
			}
		} else if ((missing & BTF_FEAT_ENUM64) && kind == BTF_KIND_ENUM) {
			t->info = type_info(BTF_KIND_ENUM, vlen); /* drop the signedness flag */
		}
	}
	*blob = out;
	*size = h->hdr_len + h->str_off + h->str_len; /* no slack: the kernel counts every byte */
	return 0;
}

/* A tiny BTF that uses one feature: the kernel's answer to it says whether it knows it. */
int btf_feature_blob(unsigned int feature, uint8_t **blob, uint32_t *size)
{
	/* Strings shared by all probes: "", "int", "x", ".data", "t" */
	static const char strs[] = "\0int\0x\0.data\0t";
	enum { S_INT = 1, S_X = 5, S_DATA = 7, S_T = 13 };
	uint32_t types[32], n = 0;
	struct btf_header h = { BTF_MAGIC, 1, 0, sizeof(h), 0, 0, 0, sizeof(strs) };
	uint8_t *out;

#define T(name, kind, vlen, st) \
	(types[n++] = (name), types[n++] = type_info(kind, vlen), types[n++] = (st))
	T(S_INT, BTF_KIND_INT, 0, 4), types[n++] = 32; /* [1] int */
	switch (feature) {
	case BTF_FEAT_FUNC:
	case BTF_FEAT_GLOBAL_FUNC:
		T(0, BTF_KIND_FUNC_PROTO, 0, 1);                                      /* [2] int (void) */
		T(S_X, BTF_KIND_FUNC, feature == BTF_FEAT_GLOBAL_FUNC ? 1 : 0, 2); /* [3] x */
		break;
	case BTF_FEAT_DATASEC:
		T(S_X, BTF_KIND_VAR, 0, 1), types[n++] = 1;                  /* [2] int x */
		T(S_DATA, BTF_KIND_DATASEC, 1, 4);                           /* [3] .data */
		types[n++] = 2, types[n++] = 0, types[n++] = 4;
		break;
	case BTF_FEAT_FLOAT:
		T(S_X, BTF_KIND_FLOAT, 0, 4);
		break;
	case BTF_FEAT_DECL_TAG:
		T(S_X, BTF_KIND_VAR, 0, 1), types[n++] = 1;
		T(S_T, BTF_KIND_DECL_TAG, 0, 2), types[n++] = (uint32_t)-1;
		break;
	case BTF_FEAT_TYPE_TAG:
		T(S_T, BTF_KIND_TYPE_TAG, 0, 1);
		T(0, BTF_KIND_PTR, 0, 2);
		break;
	case BTF_FEAT_ENUM64:
		T(S_X, BTF_KIND_ENUM64, 1, 8);
		types[n++] = S_T, types[n++] = 0, types[n++] = 1;
		break;
	default:
		return -EINVAL;
	}
#undef T
	h.type_len = n * 4;
	h.str_off = h.type_len;
	out = malloc(sizeof(h) + h.type_len + sizeof(strs));
	if (!out)
		return -ENOMEM;
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, h.type_len);
	memcpy(out + sizeof(h) + h.type_len, strs, sizeof(strs));
	*blob = out;
	*size = (uint32_t)(sizeof(h) + h.type_len + sizeof(strs));
	return 0;
}
