"""How many CPUs this process may use: the smaller of the cores it may run on and a container's
CPU quota (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`). `os.cpu_count()` reports the whole
machine, so a pod limited to 2 CPUs on a 32-core node would start 32 workers."""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def cgroup_quota(root: Path = CGROUP) -> float | None:
    """CPUs allowed by the cgroup's quota, or None when there is no quota."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def available_cpus(cgroup: Path = CGROUP) -> int:
    """Whole CPUs this process may use (at least 1; a quota of 1.5 CPUs counts as 2)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cgroup_quota(cgroup)
    return max(1, min(cores, math.ceil(quota) if quota else cores))
