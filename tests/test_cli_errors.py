"""A newcomer's first mistakes (a bad setting, a taken port, a filter value that does not exist)
get one line that says what is wrong and what to do, an exit code, and no traceback.
Each test runs the real `casebook` command; none loads an index (each takes about a second)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

CASEBOOK = [sys.executable, "-m", "casebook"]


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """`casebook ARGS` in its own process group, killed whole (workers too) if it outlives `timeout`."""
    process = subprocess.Popen([*CASEBOOK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"`casebook {' '.join(args)}` still ran after {timeout} s: {err[-500:]}")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("CASEBOOK_EVENTS", "maybe", "valid boolean"),
    ("CASEBOOK_THREADS", "four", "valid integer"),
    ("CASEBOOK_AUDIT", "svn", "'auto', 'git' or 'log'"),
])
def test_a_bad_setting_value_names_the_variable_instead_of_a_traceback(variable, value, says):
    result = run(["list", "--type", "case"], env={variable: value})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: bad setting {variable}='{value}': ")
    assert says in result.stderr and "docs/SETTINGS.md" in result.stderr


@pytest.mark.parametrize("shared", [False, True], ids=["plain-listener", "reuseport-listener"])
def test_serve_on_a_taken_port_says_so_before_loading_the_index(shared):
    """A listener bound with SO_REUSEPORT is what another `casebook serve --workers N` holds: without the
    check, this server's workers would join it and the kernel would split the connections between the two."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["serve", "--port", str(port), "--workers", "2"], env={"CASEBOOK_EVENTS": "off"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: port {port} on 127.0.0.1 is in use" in result.stderr and "--port" in result.stderr
    assert "serving index" not in result.stderr  # refused before a worker loaded anything


@pytest.mark.parametrize(("option", "value", "lists"), [
    ("--type", "cases", "case, theory, script"),
    ("--segment", "households", "household"),
    ("--channel", "shop", "store"),
])
def test_search_with_a_filter_value_that_does_not_exist_is_a_usage_error(option, value, lists):
    """Rather than an empty answer recorded as a gap in the insights."""
    result = run(["search", "欠费", option, value], env={"CASEBOOK_EVENTS": "off"})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {option} '{value}' is not one of: ")
    assert lists in result.stderr and result.stdout == ""


def test_list_with_an_unknown_type_is_a_usage_error_not_zero_items():
    result = run(["list", "--type", "cases"])
    assert result.returncode == 2
    assert "error: --type 'cases' is not one of: case, theory, script" in result.stderr
    assert "0 item(s)" not in result.stderr


def test_eval_of_a_file_whose_rows_are_neither_questions_nor_records_names_the_line(tmp_path):
    rows = tmp_path / "partial.jsonl"
    rows.write_text('{"id": "q1", "query": "客户要销号", "relevant_if_contains": ["销号"]}\n'
                    '{"id": "cd01", "products": ["座机"]}\n', encoding="utf-8")
    result = run(["eval", str(rows)])
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"{rows}:2: a row needs `query`" in result.stderr


def test_list_with_an_unknown_tag_is_a_usage_error_naming_the_closest_tags():
    from casebook.library import builtin_library
    from casebook.loader import load_library

    tag = next(c.id for c in load_library(builtin_library()).vocabulary.of_kind("tag")
               if len(c.id) > 5 and c.id[-1] != c.id[-2])
    misspelt = tag[:-2] + tag[-1] + tag[-2]  # its last two letters swapped
    result = run(["list", "--tag", misspelt])
    assert result.returncode == 2
    assert f"error: unknown tag '{misspelt}'; closest concepts: " in result.stderr
    assert tag in result.stderr.split("closest concepts: ")[1] and result.stdout == ""


def test_an_index_folder_that_cannot_be_made_is_named_instead_of_a_traceback():
    result = run(["search", "欠费"], env={"CASEBOOK_INDEX_DIR": "/proc/no-such-folder"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and "/proc/no-such-folder" in result.stderr
