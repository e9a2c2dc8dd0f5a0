"""The only door to durable-rules: compiled once, one lock, a fresh session per call, always freed.

Measured facts this wrapper is built around (durable-rules 2.0.28):
- concurrent calls into the C engine segfault → every call holds one process-wide lock;
- at most ~1024 live sessions per ruleset → each call uses a new sid and deletes it in `finally`;
- `engine.Host()` starts two timer threads that call into the engine unlocked, and decodes the
  whole fact as JSON for every fired rule → its C core is driven directly (`_Driver`), no threads;
- after a fact that matches no rule, the next call can crash → every ruleset gets a catch-all rule;
- `$nex` (field absent) hangs the engine → the compiler never emits it;
- an exception inside a rule action is swallowed into the session state, so the call "succeeds" with
  rules silently missing → actions catch it themselves and the call fails with RuleEngineError.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

import durable_rules_engine
from durable import engine as durable_engine

from .conditions import Node, to_durable
from .errors import RuleEngineError

CATCH_ALL = "_handled"
MAX_RULES_PER_RULESET = 250  # error 303 appears near 480 rules; stay well below
# Rules per ruleset. Smaller rulesets each get fewer fields; each costs one more engine call. Measured
# on the bench's answer mix (assess p50): 20 → 0.85 ms, 40 → 0.80, 60 → 0.79, 100 → 0.83, 250 → 0.89.
RULES_PER_RULESET = 50


def referenced_fields(tree: Node) -> set[str]:
    """Every fact field a condition tree reads."""
    if tree[0] in ("and", "or"):
        return set().union(*(referenced_fields(part) for part in tree[1]))
    return {tree[1]}


class _Driver:
    """durable-rules' C engine (`durable_rules_engine`, the core of the durable-rules package), driven
    directly. Its Python `Host` JSON-decodes the whole state and fact and re-encodes the state for
    every rule that fires (about 60 per assessment): three quarters of an assessment's time. Our
    actions only note which rule fired, and the C engine names it first in each message, so this
    reads that name and asks for the next action. Same calls, same order, as `Host` makes them."""

    def __init__(self) -> None:
        self._handles: dict[str, int] = {}
        self.fired: list[str] | None = None
        self.failures: list[str] = []

    def set_rulesets(self, definitions: dict[str, dict]) -> None:
        for name, definition in definitions.items():
            rules = {rule: {k: v for k, v in spec.items() if k != "run"} for rule, spec in definition.items()}
            self._handles[name] = durable_rules_engine.create_ruleset(name, _to_json(rules))

    def record(self, action_name: str) -> None:
        """What every rule action does: note that the rule fired."""
        if action_name != CATCH_ALL and self.fired is not None:
            self.fired.append(action_name)

    def assert_fact(self, ruleset: str, fact: dict[str, Any]) -> None:
        handle = self._handles[ruleset]
        code, state = durable_rules_engine.assert_fact(handle, _to_json(fact))
        if code == 1:
            raise durable_engine.MessageNotHandledException(fact)
        if code == 2:
            raise RuleEngineError(f"rule engine saw this fact before in {ruleset}")
        started = durable_rules_engine.start_action_for_state(handle, state if code == 0 else 0)
        message = started[1] if started else None
        while message:
            try:
                self.record(_action_name(message))
            except BaseException as error:  # as durable would: abandon the action, report it
                durable_rules_engine.abandon_action(handle, state)
                self.failures.append(f"action raised {error!r}")
                return
            message = durable_rules_engine.complete_and_start_action(handle, state)

    def get_state(self, ruleset: str, sid: str) -> dict:
        return json.loads(durable_rules_engine.get_state(self._handles[ruleset], sid))

    def delete_state(self, ruleset: str, sid: str) -> None:
        durable_rules_engine.delete_state(self._handles[ruleset], sid)


# Rules and facts encoded alike (ASCII, escapes for anything else), so a string in a rule and the same
# string in a fact are the same bytes to the engine; ASCII output is also twice as fast to encode.
_to_json = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode


def _action_name(message: str) -> str:
    """The fired rule's action: the first key of the C engine's message, {"r12":{"m":{...}}}."""
    if message.startswith('{"'):
        return message[2 : message.index('"', 2)]
    return next(iter(json.loads(message)))  # not the layout durable-rules 2.0.28 writes: decode it


class RuleEngine:
    """Runs layers of compiled rules over one fact; returns the ids of the rules that fired."""

    def __init__(
        self, layers: dict[str, list[tuple[str, tuple]]], namespace: str = "immunoprep", chunk: int = RULES_PER_RULESET
    ):
        if not 0 < chunk <= MAX_RULES_PER_RULESET:
            raise ValueError(f"rules per ruleset must be 1..{MAX_RULES_PER_RULESET}, not {chunk}")
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._host = _Driver()
        self._rule_ids: dict[str, str] = {}
        # layer → its rulesets, each with the fact fields its rules read: the C engine's time grows
        # with the fields it is sent (every one of them is always present, see facts.py).
        self._rulesets: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        definitions: dict[str, dict] = {}
        for layer, rules in layers.items():
            self._rulesets[layer] = []
            for chunk_index in range(0, max(len(rules), 1), chunk):
                name = f"{namespace}_{layer}_{chunk_index // chunk}"
                ruleset = {CATCH_ALL: {"all": [{"m": {"kind": "answers"}}], "run": CATCH_ALL}}
                part = rules[chunk_index : chunk_index + chunk]
                for rule_id, tree in part:
                    action = f"r{len(self._rule_ids)}"
                    self._rule_ids[action] = rule_id
                    ruleset[action] = {"all": [{"m": to_durable(tree)}], "run": action}
                definitions[name] = ruleset
                fields = tuple(sorted({"kind"}.union(*(referenced_fields(tree) for _, tree in part))))
                self._rulesets[layer].append((name, fields))
        with self._lock:
            self._host.set_rulesets(definitions)  # register eagerly: lazy registration races

    def run(self, layer: str, fact: dict[str, Any]) -> list[str]:
        """Assert `fact` into every ruleset of `layer`; return fired rule ids (engine order)."""
        fired: list[str] = []
        with self._lock:
            for ruleset, fields in self._rulesets[layer]:
                sid = str(next(self._sids))
                self._host.fired, self._host.failures = fired, []
                try:
                    sent = {name: fact[name] for name in fields}
                    sent["sid"] = sid
                    self._host.assert_fact(ruleset, sent)
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
