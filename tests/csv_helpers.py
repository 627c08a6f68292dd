"""Helpers shared by the CSV import/export tests."""


def write_csv(tmp_path, *lines, name="import.csv", encoding="utf-8"):
    """A CSV file as spreadsheets write it: CRLF line ends, given encoding."""
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def messages(result):
    return [str(error) for error in result.errors]


def slugs(related):
    return sorted(related.values_list("slug", flat=True))
