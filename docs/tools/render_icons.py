"""Render the PNG and ICO icons and the social preview image in static/img from their SVG
sources (favicon.svg, social-preview.svg) with Chromium, so they always match:

    .venv/bin/python docs/tools/render_icons.py
"""

import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parents[2] / "static" / "img"
NAVY = "#0f3557"


def main() -> None:
    logo = (IMG / "favicon.svg").read_text()
    social = (IMG / "social-preview.svg").read_text()

    def sized(size: int) -> str:
        return logo.replace(
            "<svg ", f"<svg width='{size}' height='{size}' style='display:block' ", 1
        )

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )

        def shot(html: str, width: int, height: int, out: Path, *, transparent: bool = True):
            page = browser.new_page(viewport={"width": width, "height": height})
            background = "" if transparent else f"background:{NAVY}"
            page.set_content(f"<body style='margin:0;{background}'>{html}</body>")
            page.screenshot(path=str(out), omit_background=transparent)
            page.close()

        ico_source = Path(scratch) / "favicon-48.png"
        shot(sized(32), 32, 32, IMG / "favicon-32.png")
        shot(sized(48), 48, 48, ico_source)
        # Apple draws its own rounded corners: the touch icon is a full square.
        square = sized(180).replace('rx="6"', 'rx="0"')
        shot(square, 180, 180, IMG / "apple-touch-icon.png", transparent=False)
        preview = social.replace("<svg ", "<svg style='display:block' ", 1)
        shot(preview, 1200, 630, IMG / "social-preview.png", transparent=False)
        browser.close()
        Image.open(ico_source).save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
