"""Spanish: every reader-facing text exists, matches the English keys and placeholders, reads plainly
(Fernández-Huerta ≥ 70 for patients), and a Spanish summary and PDF carry no English sentence."""

import datetime as dt
import io
import json
import re
import string
from pathlib import Path

import pytest
import textstat
from pypdf import PdfReader

from questionnaire import Answers, answered_rows, load_definition
from reports import assessment_json, build_pdf
from reports.cli import main as cli
from reports.pdf import glossary, long_date, pdf_words
from rules import assess, load_rulebook

MIN_EASE = 70.0
ENGLISH_WORDS = re.compile(r"\b(the|your|and|with|which|should|this|what|when|doctor|treatment)\b", re.I)
EN, ES = load_definition("en"), load_definition("es")
BOOK = load_rulebook()
WORDS_ES = BOOK.wording("es")
CASE = Answers(
    age=64, sex_at_birth="female", cancer_type="nsclc", stage="metastatic", pd_l1_tps="50_plus",
    egfr_status="negative", alk_status="negative", lung_other_drivers=["none"], prior_treatments=["none"],
    current_immunotherapy=["checkpoint_inhibitor"], current_symptoms=["diarrhoea", "seizure"], ecog="1",
    lvef_percent=55.5, organ_transplant="no",
)  # fmt: skip


def _ease(text: str) -> float:
    textstat.set_lang("es")
    try:
        return textstat.fernandez_huerta(text)
    finally:
        textstat.set_lang("en_US")


def _patient_texts():
    for question in ES.questions:
        yield f"question {question.id}", question.patient
        yield f"help {question.id}", question.help
        for option in question.options:
            if len(option.patient.split()) >= 10:
                yield f"option {question.id}.{option.id}", option.patient
    for rule_id, text in WORDS_ES.because.items():
        yield f"rule {rule_id}", text
    for rule_id, text in WORDS_ES.ask.items():
        yield f"ask {rule_id}", text
    content = WORDS_ES.content
    yield "disclaimer", content.disclaimer
    for category_id, category in content.categories.items():
        for field in ("summary", "how_given", "side_effects", "practical"):
            yield f"content {category_id}.{field}", getattr(category, field)
    for entry in glossary("es"):
        yield f"glossary {entry['term']}", entry["text"]
    for where, text in WORDS_ES.kit.texts():
        yield f"kit {where}", text


@pytest.mark.parametrize("name, text", list(_patient_texts()), ids=lambda v: v if len(v) < 60 else "")
def test_spanish_reads_plainly(name, text):
    assert _ease(text) >= MIN_EASE, f"{name}: Fernández-Huerta {_ease(text):.1f}: {text}"


def test_the_questionnaire_has_the_same_ids_and_every_text_in_spanish():
    assert [q.id for q in ES.questions] == [q.id for q in EN.questions]
    for en, es in zip(EN.questions, ES.questions, strict=True):
        assert (en.type, en.option_ids, en.visible_if, en.range) == (es.type, es.option_ids, es.visible_if, es.range)
        assert es.patient != en.patient, en.id
    assert ES.answer_words.unknown["patient"] == "No sé"


def test_rule_wording_covers_every_shown_rule_and_no_other():
    shown = {r.id for r in BOOK.rules if r.spec.then.kind != "finding"}
    assert set(WORDS_ES.because) == shown
    assert set(WORDS_ES.ask) == {r.id for r in BOOK.rules if r.spec.ask}


def _placeholders(value) -> set[str]:
    if isinstance(value, str):
        return {name for _, name, _, _ in string.Formatter().parse(value) if name}
    if isinstance(value, dict):
        return {f"{k}:{p}" for k, v in value.items() for p in _placeholders(v)} | {f"key:{k}" for k in value}
    if isinstance(value, list):
        return {f"[{len(value)}]"} | {p for v in value for p in _placeholders(v)}
    return set()


def _screen_words(language):
    from ui.text import catalogue

    return catalogue(language)


def _message_words(language):
    from questionnaire.messages import catalogue

    return catalogue(language)


@pytest.mark.parametrize("words", [pdf_words, _screen_words, _message_words], ids=["pdf", "screens", "messages"])
def test_word_files_have_the_same_keys_and_placeholders_in_both_languages(words):
    meta = ("language", "reviewed", "status", "language_name")
    en = {k: v for k, v in words("en").items() if k not in meta}
    es = {k: v for k, v in words("es").items() if k not in meta}
    assert _placeholders(en) == _placeholders(es)


def test_the_glossary_has_every_term_in_both_languages():
    assert len(glossary("en")) == len(glossary("es"))


def test_dates_read_the_spanish_way():
    assert long_date(dt.date(2026, 11, 23), "es") == "23 de noviembre de 2026"
    assert long_date(dt.date(2026, 11, 23), "en") == "23 November 2026"


def test_a_spanish_assessment_has_the_same_result_and_no_english_text():
    english, spanish = assess(CASE), assess(CASE, "es")
    assert spanish.language == "es" and english.language == "en"
    assert spanish.levels() == english.levels()
    assert [u.tier for u in spanish.urgent] == [u.tier for u in english.urgent] and spanish.urgent[
        0
    ].tier == "emergency"
    texts = [spanish.disclaimer, *spanish.questions_to_ask, *(u.text for u in spanish.urgent)]
    for category in spanish.categories:
        texts += [category.title, category.summary, *(r.text for r in category.reasons)]
        texts += [c.text for c in category.considerations]
    english_like = [t for t in texts if len(ENGLISH_WORDS.findall(t)) >= 2]
    assert english_like == []
    assert json.loads(assessment_json(spanish))["language"] == "es"


def test_answer_rows_use_spanish_words_units_and_decimal_comma():
    rows = dict((q.id, text) for q, text in answered_rows(CASE, language="es"))
    assert rows["age"] == "64 años"
    assert rows["lvef_percent"] == "55,5%"
    assert rows["sex_at_birth"] == ES.question("sex_at_birth").option("female").patient


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_spanish_pdf_is_spanish_with_accents_and_n_tilde():
    text = _pdf_text(build_pdf(assess(CASE, "es"), CASE, label="Begoña Núñez", generated=dt.date(2026, 11, 23)))
    for heading in ("Cómo prepararse para su cita", "Sus respuestas de un vistazo", "Preguntas para hacer",
                    "URGENTE", "23 de noviembre de 2026", "Begoña Núñez", "Página 1 de"):  # fmt: skip
        assert heading in text, heading
    words = {k: v for k, v in pdf_words("en").items() if k not in ("language", "reviewed", "status")}
    english = [w for w in words.values() if isinstance(w, str) and "{" not in w and w in text]
    assert english == []
    before_sources = text.split("\nFuentes\n")[0]  # source titles are the English documents' own names
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", before_sources) if len(ENGLISH_WORDS.findall(s)) >= 2]
    assert sentences == []


def test_cli_summary_in_spanish(tmp_path):
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(CASE.given()), encoding="utf-8")
    out = io.StringIO()
    assert cli(["summary", str(source), "--lang", "es", "--pdf", str(tmp_path / "s.pdf"), "--json", "-"], stdout=out,
               stderr=io.StringIO()) == 0  # fmt: skip
    assert json.loads(out.getvalue())["language"] == "es"
    assert "Cómo prepararse" in _pdf_text((tmp_path / "s.pdf").read_bytes())
    english = io.StringIO()
    assert cli(["summary", str(source)], stdout=english, stderr=io.StringIO()) == 0
    assert json.loads(english.getvalue())["language"] == "en"


def test_fhir_carries_the_language_and_the_spanish_texts():
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    from reports import answers_from_questionnaire_response, questionnaire_resource, questionnaire_response

    questionnaire = questionnaire_resource()
    Questionnaire.model_validate(questionnaire)
    first = questionnaire["item"][0]["item"][0]
    translation = first["_text"]["extension"][0]
    assert translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert {"url": "lang", "valueCode": "es"} in translation["extension"]
    assert {"url": "content", "valueString": ES.question(first["linkId"]).patient} in translation["extension"]
    response = questionnaire_response(CASE, language="es")
    QuestionnaireResponse.model_validate(response)
    assert response["language"] == "es"
    assert response["item"][0]["item"][0]["text"] == ES.question(response["item"][0]["item"][0]["linkId"]).patient
    back, problems = answers_from_questionnaire_response(response)
    assert problems == [] and Answers.model_validate(back).given() == CASE.given()


def test_a_spanish_patient_meets_spanish_screens_from_start_to_summary():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60).run()
    app.radio(key="language_choice").set_value("es").run()
    assert [b.label for b in app.button][:2] == ["Soy paciente o familiar", "Soy enfermero(a) o clínico"]
    app.button[0].click().run()
    assert app.text_input(key="q_age").label == ES.question("age").patient + " (años)"
    app.text_input(key="q_age").input("64").run()
    app.radio(key="q_sex_at_birth").set_value("female").run()
    app.button(key="next_about_you").click().run()
    app.selectbox(key="q_cancer_type").set_value("nsclc").run()
    app.radio(key="q_stage").set_value("metastatic").run()
    app.button(key="skip_to_results").click().run()
    assert not app.exception
    texts = [str(e.value) for e in [*app.markdown, *app.info, *app.subheader, *app.header, *app.caption]]
    texts += [b.label for b in app.button]
    assert "Su resumen" in texts
    # Source titles name English documents (FDA labels, NCI pages): they stay as published.
    english_like = [
        text for text in texts if len(ENGLISH_WORDS.findall(text)) >= 2 and not text.startswith("**Fuentes:**")
    ]
    assert english_like == []


def test_a_spanish_patient_gets_spanish_messages():
    from questionnaire import read_answers_file, validate_answers
    from questionnaire.lab_report import ratio_from_report, ratio_words
    from questionnaire.messages import speaking

    _, problems = validate_answers({"age": "sesenta"}, "es")
    assert (
        problems[0].message
        == "Edad: 'sesenta' no es un número. Escriba un número, por ejemplo 55. Si no lo sabe, marque “No sé”."
    )
    _, problems = validate_answers({"lvef_percent": 150}, "es")
    assert problems[0].message.startswith("Eso parece muy alto para")
    _, english = validate_answers({"age": "sixty"})
    assert english[0].message.startswith("Age: 'sixty' is not a number.")
    _, file_problems = read_answers_file(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "foto.png", language="es")
    assert file_problems == [
        "Esto es una foto, no un archivo de respuestas. Elija el archivo llamado immunoprep-answers-….json."
    ]
    bilirubin = ES.question("bilirubin_x_uln")
    with speaking("es"):
        assert ratio_words(1.5) == "Es 1,5 veces el valor más alto de lo normal."
        assert (
            "bilirrubina"
            in ratio_from_report(bilirubin, "30", "µmol/L", "abc").problem
            + ratio_from_report(bilirubin, "x", "µmol/L", "20").problem
        )
