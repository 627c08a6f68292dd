from django import template
from django.utils.safestring import mark_safe

from apps.communities.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """`{{ update.body|markdown }}`: Markdown as sanitised HTML (see apps.communities.markdown)."""
    return mark_safe(render_markdown(text or ""))  # sanitised by nh3
