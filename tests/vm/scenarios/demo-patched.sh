# The README's main job, part 1: the patched kernel. Narration goes to the
# results port, which the demo streams to the terminal.
step() { out ""; out "=== $*"; }
show() { out "# $*"; "$@" >&3 2>&1; out "(exit $?)"; }
step "The machine: nodes 0 and 1 are DRAM with CPUs; node 2 is 1 GiB of Soft Reserved memory at 4 GiB. The kernel is 6.12 with the SPM series, booted with memhp_default_state=offline, so dax_hmem made dax0.0 and kmem added its memory offline."
step "spmctl list: what is there"
show spmctl list
step "spmctl doctor: is it isolated? (not yet: nothing is online)"
show spmctl doctor
step "spmctl online all --dry-run: the steps it would take"
show spmctl online all --dry-run
step "spmctl online all: set spm_node=1, rebind kmem, online the blocks movable, verify"
show spmctl online all
show spmctl list
show spmctl doctor
step "An application run with spmctl exec --node 2 gets its memory there (pages counted with move_pages)"
show spmctl exec --node 2 -- spm-probe pages 64
step "A program without any policy gets nothing there"
show spm-probe pages 64
step "A memory hog with no policy: anonymous and tmpfs memory past DRAM capacity, numactl --interleave=all, the hugetlb pool, move_pages. MiB that land on node 2:"
show spm-probe leak 2
