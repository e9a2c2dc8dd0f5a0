"""`python -m rules`: check the question and rule files before a server starts.

Exit 0 with a one-line summary, or exit 1 naming the broken file (and rule or question).
`make run` runs this first, so a corrupt file stops start-up instead of serving a broken app.
"""
import sys


def main() -> int:
    try:
        from questionnaire import load_definition
        from rules import RULEBOOK as book
    except ValueError as error:  # DefinitionError and RuleFileError name the file and the rule
        print(f"ImmunoPrep cannot start: {error}", file=sys.stderr)
        return 1
    print(f"ImmunoPrep files OK: {len(load_definition().questions)} questions, {len(book.rules)} rules, "
          f"{len(book.sources)} sources, rules version {book.version}, reviewed {book.reviewed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
