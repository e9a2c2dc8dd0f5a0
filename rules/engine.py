"""The only door to durable-rules: compiled once, one lock, a fresh session per call, always freed.

Measured facts this wrapper is built around (durable-rules 2.0.28):
- concurrent calls into the C engine segfault → every call holds one process-wide lock;
- at most ~1024 live sessions per ruleset → each call uses a new sid and deletes it in `finally`;
- `engine.Host()` starts two timer threads that call into the engine unlocked → disabled here;
- after a fact that matches no rule, the next call can crash → every ruleset gets a catch-all rule;
- `$nex` (field absent) hangs the engine → the compiler never emits it;
- an exception inside a rule action is swallowed into the session state, so the call "succeeds" with
  rules silently missing → actions catch it themselves and the call fails with RuleEngineError.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from durable import engine as durable_engine

from .conditions import Node, to_durable
from .errors import RuleEngineError

CATCH_ALL = "_handled"
MAX_RULES_PER_RULESET = 150  # error 303 appears near 480 rules; stay well below


def referenced_fields(tree: Node) -> set[str]:
    """Every fact field a condition tree reads."""
    if tree[0] in ("and", "or"):
        return set().union(*(referenced_fields(part) for part in tree[1]))
    return {tree[1]}


class _Host(durable_engine.Host):
    def __init__(self) -> None:
        self.fired: list[str] | None = None
        self.failures: list[str] = []
        super().__init__()

    def _run(self) -> None:  # no background dispatch threads: we use no timers or queues
        return None

    def record(self, action_name: str) -> None:
        """What every rule action does: note that the rule fired."""
        if action_name != CATCH_ALL and self.fired is not None:
            self.fired.append(action_name)

    def get_action(self, action_name: str):
        def action(_closure) -> None:
            try:
                self.record(action_name)
            except BaseException as error:  # durable would hide it in the session state
                self.failures.append(f"action {action_name} raised {error!r}")

        return action


class RuleEngine:
    """Runs layers of compiled rules over one fact; returns the ids of the rules that fired."""

    def __init__(self, layers: dict[str, list[tuple[str, tuple]]], namespace: str = "immunoprep"):
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._host = _Host()
        self._rule_ids: dict[str, str] = {}
        self._rulesets: dict[str, list[str]] = {}
        # durable-rules JSON-decodes the whole fact once per fired action: send each layer only
        # the fields its rules read (every one of them is always present, see facts.py).
        self._fields: dict[str, tuple[str, ...]] = {}
        definitions: dict[str, dict] = {}
        for layer, rules in layers.items():
            self._rulesets[layer] = []
            self._fields[layer] = tuple(sorted({"kind"}.union(*(referenced_fields(tree) for _, tree in rules))))
            for chunk_index in range(0, max(len(rules), 1), MAX_RULES_PER_RULESET):
                name = f"{namespace}_{layer}_{chunk_index // MAX_RULES_PER_RULESET}"
                ruleset = {CATCH_ALL: {"all": [{"m": {"kind": "answers"}}], "run": CATCH_ALL}}
                for rule_id, tree in rules[chunk_index : chunk_index + MAX_RULES_PER_RULESET]:
                    action = f"r{len(self._rule_ids)}"
                    self._rule_ids[action] = rule_id
                    ruleset[action] = {"all": [{"m": to_durable(tree)}], "run": action}
                definitions[name] = ruleset
                self._rulesets[layer].append(name)
        with self._lock:
            self._host.set_rulesets(definitions)  # register eagerly: lazy registration races

    def run(self, layer: str, fact: dict[str, Any]) -> list[str]:
        """Assert `fact` into every ruleset of `layer`; return fired rule ids (engine order)."""
        fired: list[str] = []
        slim = {name: fact[name] for name in self._fields[layer]}
        with self._lock:
            for ruleset in self._rulesets[layer]:
                sid = str(next(self._sids))
                self._host.fired, self._host.failures = fired, []
                try:
                    self._host.assert_fact(ruleset, {**slim, "sid": sid})
                except durable_engine.MessageNotHandledException:
                    pass  # nothing matched: a normal outcome, not an error
                except Exception as error:
                    raise RuleEngineError(f"rule engine failed in {ruleset}: {error}") from error
                else:
                    if self._host.failures:
                        raise RuleEngineError(f"rule engine failed in {ruleset}: {self._host.failures[0]}")
                finally:
                    self._host.fired, self._host.failures = None, []
                    try:
                        self._host.delete_state(ruleset, sid)
                    except Exception:  # the session may never have been created
                        pass
        return [self._rule_ids[action] for action in fired]
