#!/bin/sh
# The vmmap crash extension in crash, on testdata/vmcores/x86_64-6.1-4l-kaslr.
exec "${top_srcdir:-$(dirname "$0")/../..}/tests/crash/run-crash-test" x86_64-6.1-4l-kaslr
