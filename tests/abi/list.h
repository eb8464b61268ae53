/*
 * The ABI facts xdpload restates instead of including kernel headers.
 * kernel.c prints them from the kernel's uapi headers, ours.c from
 * bpf_sys.h and btf.h; the test diffs the two.  C(name): a constant with
 * the same name on both sides.  O(ours, kernel, kernel_field, our_field): an
 * offset in our struct against the kernel's.  S(ours, kernel): a size.
 */
C(BPF_MAP_CREATE) C(BPF_MAP_LOOKUP_ELEM) C(BPF_MAP_UPDATE_ELEM) C(BPF_MAP_GET_NEXT_KEY)
C(BPF_PROG_LOAD) C(BPF_OBJ_PIN) C(BPF_OBJ_GET) C(BPF_PROG_TEST_RUN)
C(BPF_PROG_GET_FD_BY_ID) C(BPF_OBJ_GET_INFO_BY_FD) C(BPF_BTF_LOAD) C(BPF_MAP_FREEZE)
C(BPF_LINK_CREATE) C(BPF_LINK_GET_FD_BY_ID) C(BPF_LINK_GET_NEXT_ID) C(BPF_LINK_TYPE_XDP)
C(BPF_PROG_TYPE_XDP) C(BPF_XDP_DEVMAP) C(BPF_XDP_CPUMAP) C(BPF_XDP) C(BPF_F_XDP_HAS_FRAGS)
C(XDP_FLAGS_UPDATE_IF_NOEXIST) C(XDP_FLAGS_SKB_MODE) C(XDP_FLAGS_DRV_MODE)
C(XDP_FLAGS_HW_MODE) C(XDP_FLAGS_REPLACE) C(BPF_PSEUDO_MAP_FD) C(BPF_PSEUDO_MAP_VALUE)
C(BPF_PSEUDO_CALL) C(BPF_OBJ_NAME_LEN) C(BPF_TAG_SIZE)
C(BTF_KIND_INT) C(BTF_KIND_PTR) C(BTF_KIND_ARRAY) C(BTF_KIND_STRUCT) C(BTF_KIND_UNION)
C(BTF_KIND_ENUM) C(BTF_KIND_FWD) C(BTF_KIND_TYPEDEF) C(BTF_KIND_VOLATILE) C(BTF_KIND_CONST)
C(BTF_KIND_RESTRICT) C(BTF_KIND_FUNC) C(BTF_KIND_FUNC_PROTO) C(BTF_KIND_VAR)
C(BTF_KIND_DATASEC) C(BTF_KIND_FLOAT) C(BTF_KIND_DECL_TAG) C(BTF_KIND_TYPE_TAG)
C(BTF_KIND_ENUM64) C(BTF_MAGIC) C(BTF_INT_SIGNED) C(BTF_INT_CHAR) C(BTF_INT_BOOL)
O(bpf_map_create_attr, union bpf_attr, map_name, map_name)
O(bpf_map_create_attr, union bpf_attr, btf_value_type_id, btf_value_type_id)
O(bpf_map_create_attr, union bpf_attr, map_extra, map_extra)
O(bpf_map_elem_attr, union bpf_attr, flags, flags)
O(bpf_prog_load_attr, union bpf_attr, prog_name, prog_name)
O(bpf_prog_load_attr, union bpf_attr, expected_attach_type, expected_attach_type)
O(bpf_prog_load_attr, union bpf_attr, line_info_cnt, line_info_cnt)
O(bpf_obj_pin_attr, union bpf_attr, file_flags, file_flags)
O(bpf_test_run_attr, union bpf_attr, test.duration, duration)
O(bpf_get_fd_by_id_attr, union bpf_attr, open_flags, open_flags)
O(bpf_info_by_fd_attr, union bpf_attr, info.info, info)
O(bpf_btf_load_attr, union bpf_attr, btf_log_level, btf_log_level)
O(bpf_link_create_attr, union bpf_attr, link_create.flags, flags)
O(bpf_prog_info, struct bpf_prog_info, name, name)
O(bpf_prog_info, struct bpf_prog_info, map_ids, map_ids)
O(bpf_map_info, struct bpf_map_info, map_extra, map_extra)
O(bpf_link_info, struct bpf_link_info, xdp.ifindex, xdp_ifindex)
S(btf_header, struct btf_header) S(btf_type, struct btf_type) S(btf_member, struct btf_member)
S(btf_var_secinfo, struct btf_var_secinfo) S(btf_enum64, struct btf_enum64)
