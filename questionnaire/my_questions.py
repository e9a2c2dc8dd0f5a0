"""The person's own list of questions for the appointment: which suggested questions they keep, their
own questions (free text, printed literally), and the order of importance.

Kept in the session and in the answers file (`"my_questions"`), never on the server. Suggested
questions are kept as the words the person saw: a list saved in one language stays in that language.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_OWN = 10  # questions of one's own
MAX_LENGTH = 200  # characters in one question
MAX_LISTED = 40  # kept and left-out questions together (suggestions are at most 12 per summary)


def clean_question(text: str) -> str:
    """One line of printable text: control and invisible characters removed, spaces collapsed."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(text)) if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


class MyQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=MAX_LENGTH)
    own: bool = False  # typed by the person (or a nurse for them), not suggested by the rules

    @field_validator("text", mode="before")
    @classmethod
    def _clean(cls, value: Any) -> Any:
        return clean_question(value) if isinstance(value, str) else value


class MyQuestions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kept: tuple[MyQuestion, ...] = Field(default=(), max_length=MAX_LISTED)  # most important first
    left_out: tuple[str, ...] = Field(default=(), max_length=MAX_LISTED)  # suggested questions unticked

    @field_validator("kept")
    @classmethod
    def _few_own(cls, kept: tuple[MyQuestion, ...]) -> tuple[MyQuestion, ...]:
        if sum(q.own for q in kept) > MAX_OWN:
            raise ValueError(f"at most {MAX_OWN} questions of one's own")
        return kept

    @property
    def texts(self) -> list[str]:
        return [q.text for q in self.kept]

    @property
    def own_count(self) -> int:
        return sum(q.own for q in self.kept)

    def with_suggestions(self, suggested: list[str]) -> MyQuestions:
        """New suggestions (the answers changed) join the end of the list; left-out ones stay out."""
        listed = {q.text for q in self.kept} | set(self.left_out)
        added = [MyQuestion(text=s) for s in suggested if clean_question(s) not in listed]
        return self.model_copy(update={"kept": self.kept + tuple(added)}) if added else self

    def add(self, text: str) -> MyQuestions:
        """With one more question of the person's own (ValueError with the reason when it cannot be)."""
        question = clean_question(text)
        if not question:
            raise ValueError("empty")
        if len(question) > MAX_LENGTH:
            raise ValueError("too_long")
        if question in self.texts:
            raise ValueError("duplicate")
        if self.own_count >= MAX_OWN:
            raise ValueError("too_many")
        return self.model_copy(update={"kept": (*self.kept, MyQuestion(text=question, own=True))})

    def move(self, index: int, step: int) -> MyQuestions:
        """The question at `index` moved up (step -1) or down (+1), if it can move."""
        target = index + step
        if not (0 <= index < len(self.kept) and 0 <= target < len(self.kept)):
            return self
        kept = list(self.kept)
        kept[index], kept[target] = kept[target], kept[index]
        return self.model_copy(update={"kept": tuple(kept)})

    def drop(self, index: int) -> MyQuestions:
        """Untick a question: a suggestion moves to the left-out list, one's own is removed."""
        question = self.kept[index]
        kept = self.kept[:index] + self.kept[index + 1 :]
        left_out = self.left_out if question.own else (*self.left_out, question.text)
        return self.model_copy(update={"kept": kept, "left_out": left_out})

    def restore(self, text: str) -> MyQuestions:
        """Tick a left-out suggestion again: it goes back at the end of the list."""
        left_out = tuple(q for q in self.left_out if q != text)
        return self.model_copy(update={"kept": (*self.kept, MyQuestion(text=text)), "left_out": left_out})


def my_questions_from_saved(saved: Any) -> tuple[MyQuestions | None, str | None]:
    """The list in a saved answers file (None when it has none), or a problem key when it is broken."""
    if not isinstance(saved, dict) or saved.get("my_questions") is None:
        return None, None
    try:
        return MyQuestions.model_validate(saved["my_questions"]), None
    except ValidationError:
        return None, "file_questions_broken"
