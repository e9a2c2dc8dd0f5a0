"""The two ways the rule set can fail, importable without loading any file."""


class RuleFileError(ValueError):
    """A rule, source or content file is broken; the message names the file and the rule id."""


class RuleEngineError(RuntimeError):
    """The engine failed; the assessment could not be completed (no partial result is returned)."""
