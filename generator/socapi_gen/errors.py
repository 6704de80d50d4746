"""The one error type the generator raises for bad input."""


class SchemaError(Exception):
    """A problem in a schema file: which file, where in it, and what."""

    def __init__(self, file, path, message):
        self.file = str(file)
        self.path = path
        self.message = message
        super().__init__(f"{self.file}: {path or '/'}: {message}")
