"""How a release is cited: CITATION.cff (CFF 1.2.0) and the release README, from pyproject.toml's metadata."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
DATASET_TITLE = "dnkdata Daily NK dataset"


def project_metadata(pyproject: Path = PYPROJECT) -> dict:
    """name, description, authors (list of names) and license (SPDX) from pyproject.toml."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    license_value = project.get("license", "")
    if isinstance(license_value, dict):  # the older table form: license = { text = "MIT" }
        license_value = license_value.get("text", "")
    return {
        "name": project["name"],
        "description": project.get("description", ""),
        "authors": [a["name"] for a in project.get("authors", []) if a.get("name")],
        "license": license_value,
    }


def preferred_citation(version: str) -> str:
    return f"{DATASET_TITLE}, v{version}"


def citation_cff(version: str, date: str, meta: dict) -> str:
    """CITATION.cff text. Strings are written JSON-quoted, which YAML reads as double-quoted scalars."""
    q = json.dumps
    authors = [f"  - name: {q(name)}" for name in meta["authors"]] or ['  - name: "dnkdata contributors"']
    lines = [
        "cff-version: 1.2.0",
        f"message: {q('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {q(DATASET_TITLE)}",
        f"abstract: {q(meta['description'])}",
        f"version: {q(version)}",
        f"date-released: {q(date)}",
        f"license: {q(meta['license'])}",
        "keywords:",
        *[f"  - {q(k)}" for k in ("North Korea", "Daily NK", "news", "quotes", "dataset")],
        "authors:",
        *authors,
        "preferred-citation:",
        "  type: data",  # a reference type: CFF spells a dataset "data" here
        f"  title: {q(preferred_citation(version))}",
        f"  version: {q(version)}",
        f"  date-released: {q(date)}",
        f"  license: {q(meta['license'])}",
        "  authors:",
        *[f"  {line}" for line in authors],
    ]
    return "\n".join(lines) + "\n"


def release_readme(version: str, date: str, profile: str, rows: dict[str, int], accuracy: dict | None) -> str:
    lines = [
        f"# {preferred_citation(version)}", "",
        f"Released {date}. Profile: **{profile}**"
        + (" (article bodies left out; titles, URLs, dates, offsets, quotes and extracted fields kept)."
           if profile == "public" else " (every column, article bodies included)."),
        "",
        "## How to cite", "",
        f"> {preferred_citation(version)} ({date}). Machine-readable metadata: `CITATION.cff`.", "",
        "A version's rows never change: cite the version you used and anyone can load the same rows.", "",
        "## Contents", "",
        "| table | rows |", "| --- | --- |",
        *[f"| `{name}.parquet` | {count} |" for name, count in rows.items()],
        "",
        "Every column is described in `data-dictionary.md`; `datapackage.json` is the Frictionless Data Package",
        "descriptor; `manifest.json` holds the size and sha256 of every file (`dnkdata verify` re-checks them);",
        "`CHANGELOG.md` and `removed.parquet` say what changed since the previous release.", "",
        "## Measured extraction accuracy", "",
        *accuracy_lines(accuracy), "",
        "## Loading", "",
        "```python",
        "import dnkdata",
        f'quotes = dnkdata.load("quotes", version="{version}")                     # polars',
        f'articles = dnkdata.load("articles", version="{version}", backend="pandas")  # pandas',
        "```",
    ]
    return "\n".join(lines) + "\n"


def accuracy_lines(accuracy: dict | None) -> list[str]:
    """The figures `make eval` wrote to docs/accuracy.json, as the same table docs/methodology.md shows."""
    if not accuracy or "summary" not in accuracy:
        return ["Extraction accuracy was not measured for this release."]
    from dnkdata.evaluate import render_markdown

    return ["Measured by `make eval` (`dnkdata evaluate` against hand-made gold annotations of real captures; "
            "method in docs/methodology.md):", "", render_markdown(accuracy["summary"]).rstrip()]


