"""The demo's content, one module per domain; apps/portal/demo.py loads it through the
services."""
