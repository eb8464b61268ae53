// SPDX-License-Identifier: MIT
/*
 * externs.c - the symbols an object uses without defining them, as libbpf
 * objects declare them:
 *
 *   extern int CONFIG_HZ __kconfig;                     value from the kernel's config
 *   extern unsigned int LINUX_KERNEL_VERSION __kconfig; from uname
 *   extern const void init_task __ksym;                 untyped: address from /proc/kallsyms
 *   extern const int cpu_number __ksym;                 typed: a VAR in the kernel's BTF
 *   extern int bpf_dynptr_from_xdp(...) __ksym;         kfunc: a FUNC in the kernel's BTF
 *   ... __weak                                          may be missing
 *
 * Each is an undefined ELF symbol (binding GLOBAL or WEAK) whose BTF VAR or
 * FUNC, of linkage extern, sits in DATASEC .kconfig or .ksyms.  At parse
 * time (no syscalls) this file lists them, lays the .kconfig externs out in
 * one read-only data map (".kconfig", frozen, like libbpf's), and rewrites
 * the BTF the kernel will get, which refuses extern linkage: .kconfig's
 * variables become allocated globals at their offsets; .ksyms, which no map
 * holds, keeps its type ids but not its meaning (its DATASEC becomes an
 * anonymous ENUM64 of the same size, its variables 1-byte INTs, its
 * functions TYPEDEFs of their prototypes).  References become RELOC_DATA
 * into the .kconfig map, or RELOC_EXTERN, patched by extern_insn_patch()
 * once load_externs() (externs_load.c) found their values:
 *
 *   ld_imm64 untyped ksym   imm:imm = the address (0 when weak and missing)
 *   ld_imm64 typed/kfunc    src_reg BPF_PSEUDO_BTF_ID, imm = BTF id, next imm = module BTF fd
 *   call kfunc              src_reg BPF_PSEUDO_KFUNC_CALL, imm = BTF id, off = fd_array index
 *   call weak missing kfunc call unknown#2002000000+N (libbpf's poison): refused only if reached
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/externs.h"

#define BTF_VAR_GLOBAL_ALLOCATED 1
#define BTF_LINKAGE_EXTERN 2 /* VAR and FUNC alike */
#define BPF_F_RDONLY_PROG (1U << 7)

const char *extern_kind_name(uint32_t kind)
{
	static const char *const names[] = { "kconfig", "ksym", "typed ksym", "kfunc" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static uint32_t type_info(uint32_t kind, uint32_t vlen)
{
	return kind << 24 | (vlen & 0xffff);
}

/* The VAR or FUNC of linkage extern that declares name; -ENOENT if none. */
static int btf_extern_find(const struct btf *btf, const char *name)
{
	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		uint32_t kind = btf_kind(t);
		uint32_t linkage = kind == BTF_KIND_VAR ? *(const uint32_t *)btf_type_data(t)
							: btf_vlen(t);

		if ((kind == BTF_KIND_VAR || kind == BTF_KIND_FUNC) && linkage == BTF_LINKAGE_EXTERN &&
		    !strcmp(btf_str(btf, t->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

/* The DATASEC listing type id; -ENOENT if none does. */
static int btf_datasec_of(const struct btf *btf, uint32_t id)
{
	for (uint32_t ds = 1; ds <= btf->nr_types; ds++) {
		const struct btf_type *t = btf->types[ds];
		const struct btf_var_secinfo *v = btf_type_data(t);

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		for (uint32_t i = 0; i < btf_vlen(t); i++)
			if (v[i].type == id)
				return (int)ds;
	}
	return -ENOENT;
}

/* What an undefined symbol is, from its BTF; an error naming the rule when it is no extern we know. */
static int extern_classify(const struct obj *obj, const char *name, bool weak, struct obj_extern *x,
			   struct xdpl_error *e)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *t, *ds;
	const char *sec;
	int id, ds_id;

	if (!btf)
		return err_set(e, -ENOEXEC, "elf: extern %s: the object has no BTF to say what it is (a __kconfig or __ksym extern); build it with clang -g",
			       name);
	id = btf_extern_find(btf, name);
	if (id < 0)
		return err_set(e, -ENOEXEC, "btf: extern %s: no VAR or FUNC of extern linkage describes it; declare it with __kconfig or __ksym",
			       name);
	t = btf_type_by_id(btf, (uint32_t)id);
	ds_id = btf_datasec_of(btf, (uint32_t)id);
	ds = ds_id > 0 ? btf_type_by_id(btf, (uint32_t)ds_id) : NULL;
	sec = ds ? btf_str(btf, ds->name_off) : "no DATASEC";
	if (!ds || (strcmp(sec, ".kconfig") && strcmp(sec, ".ksyms")))
		return err_set(e, -ENOTSUP, "btf: extern %s is in %s; xdpload knows .kconfig (__kconfig) and .ksyms (__ksym) externs",
			       name, sec);
	memset(x, 0, sizeof(*x));
	x->name = btf_str(btf, t->name_off);
	x->weak = weak;
	x->btf_id = (uint32_t)id;
	if (!strcmp(sec, ".kconfig")) {
		char what[96];

		if (btf_kind(t) == BTF_KIND_FUNC)
			return err_set(e, -ENOEXEC, "btf: extern %s is a function in .kconfig, where only values are", name);
		x->kind = EXTERN_KCONFIG;
		x->type_id = t->size_or_type;
		if (kconfig_type_of(btf, x->type_id, &x->kconfig_type, &x->size, &x->is_signed)) {
			btf_type_describe(btf, x->type_id, what, sizeof(what));
			return err_set(e, -ENOTSUP, "btf: kconfig extern %s has type %s; a config value fits a bool, an enum libbpf_tristate, an integer of 1, 2, 4 or 8 bytes or a char array",
				       name, what);
		}
	} else if (btf_kind(t) == BTF_KIND_FUNC) {
		x->kind = EXTERN_KFUNC;
		x->type_id = t->size_or_type;
	} else {
		x->type_id = btf_skip_modifiers(btf, t->size_or_type);
		x->kind = x->type_id ? EXTERN_KSYM_TYPED : EXTERN_KSYM;
	}
	return 0;
}

/*
 * An extern the parse cannot classify is left out here; a relocation that
 * uses it is refused with the reason (externs_reloc), so that a symbol no
 * code refers to does not fail the object.
 */
static int extern_add(struct obj *obj, const char *name, bool weak)
{
	struct obj_extern x, *grown;
	struct xdpl_error ignored;

	if (extern_classify(obj, name, weak, &x, &ignored))
		return 0;
	grown = realloc(obj->externs, (obj->nexterns + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	obj->externs = grown;
	obj->externs[obj->nexterns++] = x;
	return 0;
}

static int extern_index(const struct obj *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->nexterns; i++)
		if (!strcmp(obj->externs[i].name, name))
			return (int)i;
	return -1;
}

static uint32_t align_of(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_modifiers(btf, id));

	if (t && btf_kind(t) == BTF_KIND_ARRAY)
		return align_of(btf, ((const struct btf_array *)btf_type_data(t))->type);
	if (!t || t->size_or_type == 0)
		return 1;
	return t->size_or_type >= 8 ? 8 : t->size_or_type;
}

/*
 * The .kconfig map: each extern at its natural alignment, in the order
 * DATASEC .kconfig lists them (so the offsets ascend, as the kernel wants),
 * its VAR made an allocated global.  Zero until load_externs fills it.
 */
static int kconfig_layout(struct obj *obj, struct xdpl_error *e)
{
	struct btf *btf = obj->btf;
	int ds_id = btf ? btf_find(btf, BTF_KIND_DATASEC, ".kconfig") : -1;
	struct btf_type *ds;
	struct btf_var_secinfo *v;
	struct obj_map *grown, *m;
	uint32_t off = 0;

	if (ds_id < 0)
		return 0;
	ds = btf->types[ds_id];
	v = btf_type_data(ds);
	for (uint32_t i = 0; i < btf_vlen(ds); i++) {
		struct btf_type *var = btf->types[v[i].type];
		int x = extern_index(obj, btf_str(btf, var->name_off));
		uint32_t align;

		/* One that is no extern we know: a relocation using it is refused. */
		if (x < 0 || obj->externs[x].kind != EXTERN_KCONFIG)
			continue;
		align = align_of(btf, obj->externs[x].type_id);
		if (obj->externs[x].size > UINT32_MAX / 2 || off > UINT32_MAX / 2)
			return err_set(e, -ENOEXEC, "btf: DATASEC .kconfig: %s is too large", obj->externs[x].name);
		off = (off + align - 1) / align * align;
		obj->externs[x].offset = off;
		v[i].offset = off;
		v[i].size = obj->externs[x].size;
		off += obj->externs[x].size;
		if (btf_kind(var) == BTF_KIND_VAR)
			*(uint32_t *)btf_type_data(var) = BTF_VAR_GLOBAL_ALLOCATED;
	}
	ds->size_or_type = off;
	if (off == 0)
		return 0;
	grown = realloc(obj->maps, (obj->nmaps + 1) * sizeof(*grown));
	if (!grown)
		return err_set(e, -ENOMEM, "elf: out of memory for maps");
	obj->maps = grown;
	m = &obj->maps[obj->nmaps];
	memset(m, 0, sizeof(*m));
	m->name = ".kconfig";
	m->origin = MAP_DATA;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = off;
	m->max_entries = 1;
	m->frozen = true;
	m->kconfig = true;
	m->flags = BPF_F_RDONLY_PROG;
	m->btf_value_id = (uint32_t)ds_id;
	m->data = calloc(1, off);
	if (!m->data)
		return err_set(e, -ENOMEM, "elf: out of memory for the .kconfig map");
	obj->nmaps++;
	return 0;
}

/*
 * DATASEC .ksyms describes no memory, and the kernel refuses extern linkage:
 * rewrite it into kinds of the same sizes that it accepts, keeping every
 * type id (and so CO-RE and func_info records) where it was.
 */
static void ksyms_btf_rewrite(struct obj *obj)
{
	struct btf *btf = obj->btf;
	int ds_id = btf ? btf_find(btf, BTF_KIND_DATASEC, ".ksyms") : -1;
	struct btf_type *ds;
	struct btf_var_secinfo *v;
	struct btf_enum64 *en;

	if (ds_id < 0)
		return;
	ds = btf->types[ds_id];
	v = btf_type_data(ds);
	/* First the tags on them: none may point at an INT, nor into a TYPEDEF. */
	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		struct btf_type *t = btf->types[id];

		if (btf_kind(t) != BTF_KIND_DECL_TAG)
			continue;
		for (uint32_t i = 0; i < btf_vlen(ds); i++) {
			const struct btf_type *target = btf->types[v[i].type];

			if (v[i].type != t->size_or_type ||
			    (btf_kind(target) == BTF_KIND_FUNC && *(const int32_t *)btf_type_data(t) == -1))
				continue;
			t->name_off = 0;
			t->info = type_info(BTF_KIND_INT, 0);
			t->size_or_type = 1;
			*(uint32_t *)btf_type_data(t) = 8;
			break;
		}
	}
	en = btf_type_data(ds); /* btf_var_secinfo and btf_enum64: 12 bytes each */
	for (uint32_t i = 0; i < btf_vlen(ds); i++) {
		struct btf_type *t = btf->types[v[i].type];
		uint32_t name_off = t->name_off;

		if (btf_kind(t) == BTF_KIND_VAR) {
			t->name_off = 0;
			t->info = type_info(BTF_KIND_INT, 0);
			t->size_or_type = 1;
			*(uint32_t *)btf_type_data(t) = 8;
		} else if (btf_kind(t) == BTF_KIND_FUNC) {
			t->info = type_info(BTF_KIND_TYPEDEF, 0);
		}
		en[i] = (struct btf_enum64){ name_off, 0, 0 }; /* v[i] is read: overwrite it */
	}
	ds->name_off = 0;
	ds->info = type_info(BTF_KIND_ENUM64, btf_vlen(ds));
	ds->size_or_type = 8;
}

/* Every undefined symbol a program may use, then the .kconfig map and the BTF rewrite. */
int externs_find(struct obj *obj, struct xdpl_error *e)
{
	int err;

	for (uint32_t i = 1; i < obj->nsyms; i++) {
		const Elf64_Sym *sym = (const Elf64_Sym *)obj->syms + i;
		uint32_t bind = ELF64_ST_BIND(sym->st_info);
		const char *name = elf_symbol_name(obj, sym);

		if (sym->st_shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) || !name[0])
			continue;
		if (extern_index(obj, name) >= 0)
			return err_set(e, -ENOEXEC, "elf: symbol %u: extern %s is declared twice", i, name);
		if (extern_add(obj, name, bind == STB_WEAK))
			return err_set(e, -ENOMEM, "elf: out of memory for externs");
	}
	if (!obj->nexterns)
		return 0;
	err = kconfig_layout(obj, e);
	if (!err)
		ksyms_btf_rewrite(obj);
	return err;
}

/*
 * A relocation against an undefined symbol: a .kconfig value is a variable
 * in the .kconfig map (RELOC_DATA); a ksym or a kfunc waits for load_externs.
 * r->offset holds the addend (the immediate), which only a value or an
 * untyped address can carry.
 */
int externs_reloc(const struct obj *obj, bool is_call, struct obj_reloc *r, struct xdpl_error *e)
{
	int i = extern_index(obj, r->sym);
	const struct obj_extern *x;

	if (i < 0) {
		struct obj_extern why;
		int err = extern_classify(obj, r->sym, false, &why, e);

		if (err)
			return err;
		return err_set(e, -ENOEXEC, "elf: section %u (%s): instruction %u uses %s, which is neither defined nor an extern",
			       r->sec, elf_section_name(obj, r->sec), r->insn, r->sym);
	}
	x = &obj->externs[i];
	if (is_call && x->kind != EXTERN_KFUNC)
		return err_set(e, -ENOEXEC, "elf: section %u (%s): instruction %u calls %s, a %s extern, not a kfunc",
			       r->sec, elf_section_name(obj, r->sec), r->insn, r->sym,
			       extern_kind_name(x->kind));
	if (x->kind == EXTERN_KCONFIG) {
		for (uint32_t m = 0; m < obj->nmaps; m++)
			if (obj->maps[m].kconfig)
				r->target = m;
		if (r->offset >= x->size)
			return err_set(e, -ENOEXEC, "elf: section %u (%s): instruction %u refers to %s+%llu, past its %u bytes",
				       r->sec, elf_section_name(obj, r->sec), r->insn, r->sym,
				       (unsigned long long)r->offset, x->size);
		r->kind = RELOC_DATA;
		r->offset += x->offset;
		return 0;
	}
	if (r->offset && x->kind != EXTERN_KSYM)
		return err_set(e, -ENOEXEC, "elf: section %u (%s): instruction %u refers to %s+%llu; a %s takes no offset",
			       r->sec, elf_section_name(obj, r->sec), r->insn, r->sym,
			       (unsigned long long)r->offset, extern_kind_name(x->kind));
	r->kind = RELOC_EXTERN;
	r->target = (uint32_t)i;
	return 0;
}

int extern_insn_patch(const struct obj *obj, const struct obj_reloc *r, struct bpf_insn *insn,
		      const struct externs_loaded *ext, const char *prog, uint32_t at,
		      struct xdpl_error *e)
{
	const struct obj_extern *x = r->target < obj->nexterns ? &obj->externs[r->target] : NULL;
	const struct extern_value *v;

	if (!x || !ext || !ext->values)
		return err_set(e, -EINVAL, "load: program %s: instruction %u uses %s, an extern nobody resolved",
			       prog, at, r->sym);
	v = &ext->values[r->target];
	if (insn->code == BPF_OP_CALL) {
		if (v->found) {
			insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
			insn->imm = (int32_t)v->btf_id;
			insn->off = v->fd_index;
			xdpl_log("load: program %s: instruction %u -> kfunc %s (BTF id %u%s)", prog, at,
				 x->name, v->btf_id, v->fd_index ? ", a module's" : "");
		} else {
			insn->dst_reg = 0;
			insn->src_reg = 0;
			insn->off = 0;
			insn->imm = (int32_t)(EXTERN_POISON_KFUNC + r->target);
			xdpl_log("load: program %s: instruction %u calls the missing weak kfunc %s: poisoned (call unknown#%d), refused only if reached",
				 prog, at, x->name, insn->imm);
		}
		return 0;
	}
	if (x->kind == EXTERN_KSYM || !v->found) {
		uint64_t addr = v->found ? v->addr + r->offset : 0;

		insn[0].src_reg = 0;
		insn[0].imm = (int32_t)(uint32_t)addr;
		insn[1].imm = (int32_t)(uint32_t)(addr >> 32);
		xdpl_log("load: program %s: instruction %u -> %s %s = 0x%llx%s", prog, at,
			 extern_kind_name(x->kind), x->name, (unsigned long long)addr,
			 v->found ? "" : " (weak, missing)");
		return 0;
	}
	insn[0].src_reg = BPF_PSEUDO_BTF_ID;
	insn[0].imm = (int32_t)v->btf_id;
	insn[1].imm = v->btf_fd;
	xdpl_log("load: program %s: instruction %u -> %s %s (BTF id %u%s)", prog, at,
		 extern_kind_name(x->kind), x->name, v->btf_id, v->btf_fd ? ", a module's" : "");
	return 0;
}

/*
 * A verifier log that stops at a poisoned call: say which weak kfunc the
 * code reached ("12: (85) call unknown#2002000003").
 */
void externs_log_explain(const struct obj *obj, const char *log, char *where, size_t len)
{
	static const char mark[] = "call unknown#";
	const char *p = log, *hit = NULL;

	while ((p = strstr(p, mark))) {
		hit = p;
		p += sizeof(mark) - 1;
	}
	if (!hit)
		return;
	long value = strtol(hit + sizeof(mark) - 1, NULL, 10);
	const char *line = hit;

	if (value < EXTERN_POISON_KFUNC || value - EXTERN_POISON_KFUNC >= (long)obj->nexterns)
		return;
	while (line > log && line[-1] != '\n')
		line--;
	size_t used = strlen(where);

	snprintf(where + used, len - used, "%sinstruction %ld calls kfunc %s, which this kernel does not have: it is __weak, so that call must be unreachable when it is missing (test for it with bpf_ksym_exists())%s",
		 used ? " (" : "", strtol(line, NULL, 10),
		 obj->externs[value - EXTERN_POISON_KFUNC].name, used ? ")" : "");
}
