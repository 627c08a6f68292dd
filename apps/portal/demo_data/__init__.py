"""The demo's content, one module per domain; apps/portal/demo/ loads it through the
services, with a loading module per domain of the same name."""
