"""URL slugs from titles."""
import re
import unicodedata


def slugify(text, separator="-"):
    """Lower-case ASCII slug of `text`: runs of other characters become one separator."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]", separator, text.lower())
    return text.strip(separator)
