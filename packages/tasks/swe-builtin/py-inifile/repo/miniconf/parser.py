"""A tiny INI reader: [sections], key = value lines, ; and # comments."""


def parse(text):
    """Returns {section: {key: value}}; keys before any section go to the "" section."""
    result = {"": {}}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            result.setdefault(section, {})
            continue
        if "=" not in line:
            raise ValueError("line %d: expected key = value, got %r" % (number, raw))
        key, value = line.split("=")[:2]
        result[section][key.strip()] = value.strip()
    return result
