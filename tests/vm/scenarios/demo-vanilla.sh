# The README's main job, part 2: the same hog on the vanilla kernel.
step() { out ""; out "=== $*"; }
show() { out "# $*"; "$@" >&3 2>&1; out "(exit $?)"; }
step "The same machine on vanilla 6.12. Today's way: daxctl online-memory dax0.0 (ZONE_MOVABLE)."
show daxctl online-memory dax0.0
step "spmctl refuses to call this isolated:"
show spmctl online dax0.0
step "The same memory hog with no policy. MiB that land on node 2:"
show spm-probe leak 2
