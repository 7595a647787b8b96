#!/bin/sh
# layers.sh - the rooms of doc/design.md hold on the objects: every edge of
# the link-level graph (an object using a symbol another defines) points
# into its own room or one below (core < arch < source < kernel < output), except
# the one documented loader -> registry edge, and no objects form a cycle.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=${top_builddir:-.}
if ! command -v nm >/dev/null || ! ls "$build"/src/core/.libs/*.o >/dev/null 2>&1; then
	echo "SKIP: no nm or no objects in $build/src" >&2
	exit 77
fi
exec python3 "$top/tools/depgraph" --check "$build/src"
