# Byte-level surgery on ELF objects for the malformed-input tests: read and
# write little-endian fields at offsets found with readelf.

# le_get FILE OFFSET SIZE: the unsigned little-endian number there.
le_get() {
	od -An -v -t u"$3" -j "$2" -N "$3" --endian=little "$1" | tr -d ' '
}

# le_put FILE OFFSET SIZE VALUE: overwrite SIZE bytes in place.
le_put() {
	local file="$1" off="$2" size="$3" value="$4" bytes="" i
	for ((i = 0; i < size; i++)); do
		bytes+=$(printf '\\x%02x' $(((value >> (8 * i)) & 0xff)))
	done
	printf "$bytes" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

sec_index() {
	readelf -SW "$1" | sed -n "s/^ *\[ *\([0-9]*\)\] $2 .*/\1/p"
}

# Offset of section header IDX; field offsets within it follow Elf64_Shdr.
shdr() {
	echo $(($(le_get "$1" 40 8) + $2 * 64))
}
SH_NAME=0 SH_TYPE=4 SH_OFFSET=24 SH_SIZE=32 SH_LINK=40 SH_INFO=44

# File offset of a section's bytes.
sec_offset() {
	le_get "$1" $(($(shdr "$1" "$2") + SH_OFFSET)) 8
}

sec_size() {
	le_get "$1" $(($(shdr "$1" "$2") + SH_SIZE)) 8
}

# Offset of symbol number N in the symbol table.
sym_offset() {
	echo $(($(sec_offset "$1" "$(sec_index "$1" .symtab)") + $2 * 24))
}

sym_index() {
	readelf -sW "$1" | awk -v n="$2" '$8 == n { sub(":", "", $1); print $1 }'
}
