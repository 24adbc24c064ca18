# shellcheck shell=bash
# Shared by the stampede-mpi tests (after lib.sh): skips when stampede-mpi was not built, sets
# MPI (the binary) and MPIRUN (Open MPI's mpirun for this machine, as an array).
MPI=$B/stampede-mpi
if [ ! -x "$MPI" ]; then
    echo "# stampede-mpi not built (configure --with-mpi): skipped"
    exit 77
fi
command -v mpirun >/dev/null || fail "mpirun not found: install Debian's openmpi-bin (scripts/deps.sh does)"
# One MPI test at a time: 16 ranks of one next to 3 ranks of another starve each other's
# timetables on a 2-core machine. The lock ends with this test's processes.
exec 9>"$B/.mpi-tests.lock"
flock -w 600 9 || fail "another MPI test held $B/.mpi-tests.lock for 10 minutes"
# as root, Open MPI wants to be told; more ranks than cores on this small machine
MPIRUN=(mpirun --allow-run-as-root --oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo
        --mca oob_tcp_if_include lo)
# Under AddressSanitizer: Open MPI does not free all it allocates (its own business), so leaks
# whose stack passes through it are not reported; its components stay loaded to be named.
if [ "${STAMPEDE_SANITIZERS:-}" = yes ]; then
    printf 'leak:%s\n' libmpi.so libopen-pal.so libopen-rte.so libpmix.so libhwloc.so mca_ \
        libevent-2 libevent_core libevent_pthreads >"$TMP/lsan.supp"
    export LSAN_OPTIONS="suppressions=$TMP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export OMPI_MCA_mca_base_component_disable_dlclose=1
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" # whole stacks
fi
