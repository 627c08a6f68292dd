"""Community updates are written in Markdown and shown as HTML, safely.

Two layers, so one mistake does not open the page to injected HTML:

1. Markdown's raw-HTML pass-through is switched off: a `<b>` typed in an update shows as
   text, it is never parsed as a tag.
2. The HTML that Markdown produces is sanitised by `nh3` against an allowlist of tags and
   attributes; links keep only http(s) and mailto targets and get `rel="nofollow noopener
   noreferrer"`.

Images are not shown but turned into a link to the image: an image from a remote host tells
that host who reads the page (a tracking pixel) and comes without a checked text
alternative. Headings are moved down
three levels, so a `# Title` in an update sits below the page's own h1-h3 instead of
breaking the page's outline.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown as markdown_lib
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# An update's own headings start below the h3 that titles the update on the page.
HEADING_SHIFT = 3


class _ShiftHeadingsAndLinkImages(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                level = min(int(element.tag[1]) + HEADING_SHIFT, 6)
                element.tag = f"h{level}"
            elif element.tag == "img":
                source = element.get("src", "")
                label = element.get("alt") or source
                element.attrib.clear()
                element.tag = "a"
                element.set("href", source)
                element.text = label


class _CommunityMarkdown(Extension):
    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:
        # Raw HTML is escaped instead of passed through.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ShiftHeadingsAndLinkImages(md), "community_elements", 5)


def render_markdown(text: str) -> str:
    """Safe HTML for `text` (Markdown). The result may be marked safe in a template."""
    if not text:
        return ""
    html = markdown_lib.markdown(
        text,
        extensions=["fenced_code", "sane_lists", _CommunityMarkdown()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
