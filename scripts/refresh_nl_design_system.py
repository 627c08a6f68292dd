"""Refresh the vendored NL Design System CSS (static/vendor/nl-design-system/).

The site builds its buttons, form fields, alerts, tables, breadcrumbs, skip link, header and
footer on the Utrecht component library's CSS packages (EUPL-1.2). They are vendored as one
file so `make run` needs only Python and the browser loads one stylesheet, not seventeen.

    python scripts/refresh_nl_design_system.py            # the versions pinned below
    python scripts/refresh_nl_design_system.py --latest   # what npm has now; pins are rewritten

Needs npm (only here, never at run time). Downloads with `npm pack` into a temporary folder,
checks each package's licence, and writes nl-design-system.min.css, LICENSE.md and the
package table in README.md.
"""

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "nl-design-system"
LICENCE = "EUPL-1.2"
HOME = "https://nl-design-system.github.io/utrecht/"

# package -> version; the one place the vendored versions are pinned.
PACKAGES = {
    "@utrecht/alert-css": "4.0.2",
    "@utrecht/breadcrumb-nav-css": "3.0.1",
    "@utrecht/button-css": "4.0.1",
    "@utrecht/button-link-css": "3.0.1",
    "@utrecht/checkbox-css": "3.0.1",
    "@utrecht/form-field-css": "3.0.1",
    "@utrecht/form-field-description-css": "3.0.1",
    "@utrecht/form-field-error-message-css": "3.0.1",
    "@utrecht/form-fieldset-css": "3.0.1",
    "@utrecht/form-label-css": "3.0.1",
    "@utrecht/page-footer-css": "4.0.2",
    "@utrecht/page-header-css": "3.0.2",
    "@utrecht/select-css": "3.0.1",
    "@utrecht/skip-link-css": "3.0.1",
    "@utrecht/table-css": "3.0.1",
    "@utrecht/textarea-css": "4.0.1",
    "@utrecht/textbox-css": "4.0.1",
}


def npm_pack(spec: str, into: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--silent"],
        cwd=into,
        check=True,
        capture_output=True,
        text=True,
    )
    return into / json.loads(out.stdout)[0]["filename"]


def unpack(tarball: Path) -> tuple[dict, str, str]:
    """package.json, dist/index.min.css and LICENSE.md of one package tarball."""
    with tarfile.open(tarball) as archive:

        def read(name: str) -> str:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                sys.exit(f"{tarball.name}: no {name}")
            return member.read().decode("utf-8")

        return json.loads(read("package.json")), read("dist/index.min.css"), read("LICENSE.md")


def write_readme_table(rows: list[tuple[str, str, int]]) -> None:
    readme_path = VENDOR / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    table = "\n".join(
        ["| package | version | licence | bytes (minified) |", "|---|---|---|---|"]
        + [f"| `{name}` | `{version}` | {LICENCE} | {size} |" for name, version, size in rows]
    )
    readme = re.sub(
        r"<!-- packages -->.*<!-- /packages -->",
        f"<!-- packages -->\n{table}\n<!-- /packages -->",
        readme,
        flags=re.S,
    )
    readme_path.write_text(readme, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latest", action="store_true", help="take npm's latest versions")
    latest = parser.parse_args().latest

    parts, rows, licence_text = [], [], None
    with tempfile.TemporaryDirectory() as scratch:
        for name, pinned in PACKAGES.items():
            spec = name if latest else f"{name}@{pinned}"
            meta, css, licence_text = unpack(npm_pack(spec, Path(scratch)))
            if meta.get("license") != LICENCE:
                sys.exit(f"{name}: licence {meta.get('license')!r}, expected {LICENCE}")
            banner = f"/*! {name}@{meta['version']} ({LICENCE}) {HOME} */"
            parts.append(f"{banner}\n{css.strip()}\n")
            rows.append((name, meta["version"], len(css.encode())))
    (VENDOR / "nl-design-system.min.css").write_text("".join(parts), encoding="utf-8")
    (VENDOR / "LICENSE.md").write_text(licence_text, encoding="utf-8")
    write_readme_table(rows)
    for name, version, size in rows:
        print(f"{name}@{version} {size} bytes")
    if latest:
        print("Pin the versions above in PACKAGES of this script, then run the tests.")


if __name__ == "__main__":
    main()
