"""Workers and encoder threads follow the CPUs a container may use, not the machine's core count."""

from __future__ import annotations

import os

from casebook.cpu import available_cpus, cgroup_quota


def test_cgroup_v2_quota_is_cpus_allowed(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert cgroup_quota(tmp_path) == 1.5


def test_cgroup_v2_without_a_limit_has_no_quota(tmp_path):
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cgroup_quota(tmp_path) is None


def test_cgroup_v1_quota_is_read_when_there_is_no_v2_file(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("200000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cgroup_quota(tmp_path) == 2.0


def test_cgroup_v1_unlimited_quota_is_none(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cgroup_quota(tmp_path) is None


def test_available_cpus_are_at_most_the_cores_this_process_may_run_on():
    assert 1 <= available_cpus() <= len(os.sched_getaffinity(0))


def test_a_quota_below_one_cpu_still_gets_one_worker(tmp_path):
    (tmp_path / "cpu.max").write_text("50000 100000\n")
    assert available_cpus(tmp_path) == 1
