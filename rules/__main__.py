"""`python -m rules`: check the rule set before a server starts, and keep it current.

    python -m rules            check every question, rule and source file, then run the worked
                               examples (rules/examples/*.yaml); exit 1 naming what is broken
    python -m rules audit      per source: kind, date, last checked, the rules that cite it; flags
                               sources not checked for over 6 months (a report: exit 0)
    python -m rules labels     ask openFDA which drug labels were revised since they were last
                               checked; offline it says so in one line (exit 0)

`make run` runs the first, so a broken file stops start-up instead of serving a broken app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys


def _load():
    from questionnaire import load_definition
    from rules import load_rulebook

    return load_definition(), load_rulebook()


def check() -> int:
    try:
        definition, book = _load()
    except ValueError as error:  # DefinitionError and RuleFileError name the file and the rule
        print(f"ImmunoPrep cannot start: {error}", file=sys.stderr)
        return 1
    from rules import assess
    from rules.examples import check_all, load_examples

    examples = load_examples()
    failures = check_all(assess, examples)
    for label, problems in failures.items():
        print(f"Example fails: {label}", file=sys.stderr)
        for problem in problems:
            print(f"    {problem}", file=sys.stderr)
    if failures:
        print(f"ImmunoPrep rule examples: {len(failures)} of {len(examples)} fail (see above)", file=sys.stderr)
        return 1
    print(
        f"ImmunoPrep files OK: {len(definition.questions)} questions, {len(book.rules)} rules, "
        f"{len(book.sources)} sources, {len(examples)} examples pass; rules version {book.version}, "
        f"reviewed {book.reviewed}"
    )
    return 0


def audit(today: dt.date | None) -> int:
    from rules.currency import audit as build
    from rules.currency import format_audit

    _, book = _load()
    print(format_audit(build(book, today)))
    return 0


def labels(timeout: float) -> int:
    from rules.currency import Offline, fetch_openfda, format_label_revisions, label_revisions

    _, book = _load()
    try:
        rows = label_revisions(book, lambda search: fetch_openfda(search, timeout))
    except Offline as error:
        print(f"openFDA cannot be reached ({error}); no labels were checked. Run this again when online.")
        return 0
    print(format_label_revisions(rows))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rules", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    audit_parser = commands.add_parser("audit", help="sources, the rules citing them, and when each was last checked")
    audit_parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    labels_parser = commands.add_parser("labels", help="drug labels revised on openFDA since they were last checked")
    labels_parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for openFDA (default 10)")
    args = parser.parse_args(argv)
    if args.command == "audit":
        return audit(args.today)
    if args.command == "labels":
        return labels(args.timeout)
    return check()


if __name__ == "__main__":
    sys.exit(main())
