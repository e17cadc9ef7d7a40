"""CPU seconds, for the measurements that scale a bound or report a load by what the machine did:
the whole machine's busy time, and one process tree's (scripts/load.py, scripts/save_to_searchable.py,
tests/test_live_editing.py)."""

from __future__ import annotations

import psutil


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (not idle) since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def tree_cpu(root: psutil.Process, reaped: bool = True) -> float:
    """CPU seconds of a process and its live descendants; with `reaped`, also of the children
    each has already waited for (a finished load run, a restarted worker)."""
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            total += times.user + times.system + (times.children_user + times.children_system if reaped else 0.0)
        except psutil.NoSuchProcess:
            pass
    return total
