# tests/dump: the dump input layer (included from tests/local.mk)
dump_test_ldadd = src/libvmmap-core.la

check_PROGRAMS += tests/dump/readcmp tests/dump/readall tests/dump/mkkdump \
	tests/dump/cachestress tests/dump/vtopmany
tests_dump_vtopmany_SOURCES = tests/dump/vtopmany.c
tests_dump_vtopmany_LDADD = $(dump_test_ldadd)
tests_dump_cachestress_SOURCES = tests/dump/cachestress.c
tests_dump_cachestress_LDADD = $(dump_test_ldadd)
tests_dump_readcmp_SOURCES = tests/dump/readcmp.c
tests_dump_readcmp_LDADD = $(dump_test_ldadd)
tests_dump_readall_SOURCES = tests/dump/readall.c
tests_dump_readall_LDADD = $(dump_test_ldadd)
tests_dump_mkkdump_SOURCES = tests/dump/mkkdump.c
tests_dump_mkkdump_LDADD = $(ZLIB_LIBS) $(ZSTD_LIBS) $(LZO_LIBS) $(SNAPPY_LIBS)
tests_dump_mkkdump_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS)

TESTS += tests/dump/readcmp.sh tests/dump/badinput.sh tests/dump/cachestress.sh \
	tests/dump/vtopmany.sh
EXTRA_DIST += tests/dump/readcmp.sh tests/dump/badinput.sh \
	tests/dump/cachestress.sh tests/dump/vtopmany.sh \
	tests/dump/corrupt.py tests/dump/README
