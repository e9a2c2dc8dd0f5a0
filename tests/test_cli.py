"""The command-line interface: success, every kind of bad input, mixed batches."""

import csv
import io
import json

import pytest
from pypdf import PdfReader

from reports.cli import main


def run(*argv, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_summary_prints_assessment_json(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"cancer_type": "nsclc", "stage": "metastatic"}))
    code, out, err = run("summary", str(path))
    assert code == 0 and err == ""
    assert json.loads(out)["categories"][0]["id"] == "checkpoint_inhibitor"


def test_summary_writes_pdf_json_and_fhir(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"answers": {"cancer_type": "dlbcl", "prior_lines": 2}}))
    code, _, _ = run(
        "summary",
        str(path),
        "--pdf",
        str(tmp_path / "s.pdf"),
        "--json",
        str(tmp_path / "s.json"),
        "--fhir",
        str(tmp_path / "r.json"),
        "--label",
        "Zoë",
    )
    assert code == 0
    assert "Zoë" in PdfReader(tmp_path / "s.pdf").pages[0].extract_text()
    assert json.loads((tmp_path / "r.json").read_text())["resourceType"] == "QuestionnaireResponse"
    assert json.loads((tmp_path / "s.json").read_text())["tool"]["name"] == "ImmunoPrep"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"{not json", "file: is not valid JSON"),
        (
            b'{"lvef_percent": 500}',
            "lvef_percent: That looks too high for heart pumping strength (LVEF). Please check it: most people type a number between 5 and 85%.",
        ),
        (
            b'{"cancer_type": "lung"}',
            "cancer_type: Cancer type: 'lung' is not one of the choices. The choices are listed by: python -m reports schema",
        ),
        (b'{"favourite": 1}', "favourite: is not a question in ImmunoPrep"),
        (b"[1, 2]", "answers: must be a JSON object"),
        (b"\xff\xfe{}", "answers: not UTF-8 text"),
        (b"[" * 100000 + b"]" * 100000, "file: is not valid JSON"),
    ],
)
def test_summary_bad_input_exits_2_with_one_line_per_problem(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = run("summary", str(path), "--pdf", str(tmp_path / "never.pdf"))
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "never.pdf").exists()


def test_missing_file_is_a_clear_message(tmp_path):
    code, _, err = run("summary", str(tmp_path / "nope.json"))
    assert code == 2 and "cannot read" in err


def test_schema_prints_json_schema():
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["additionalProperties"] is False


def test_template_then_batch_round_trip(tmp_path):
    template = tmp_path / "intake.csv"
    assert run("template", str(template))[0] == 0
    code, out, err = run("batch", str(template), "--out", str(tmp_path / "out"), "--pdf")
    assert code == 0, err
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").open()))
    assert rows[0]["status"] == "ok" and rows[0]["level_car_t"] == "commonly_considered"
    assert (tmp_path / "out" / rows[0]["pdf"]).exists()


def _body_sizes(path) -> set[float]:
    """Font sizes of the text on page 1 above the footer (pt)."""
    sizes = set()
    PdfReader(path).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: sizes.add(size) if text.strip() and tm[5] > 60 else None
    )
    return sizes


def test_summary_large_print_flag(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"cancer_type": "dlbcl", "prior_lines": 2}))
    assert run("summary", str(path), "--pdf", str(tmp_path / "normal.pdf"))[0] == 0
    assert run("summary", str(path), "--pdf", str(tmp_path / "large.pdf"), "--large-print")[0] == 0
    assert min(_body_sizes(tmp_path / "normal.pdf")) < 14 <= min(_body_sizes(tmp_path / "large.pdf"))
    assert len(PdfReader(tmp_path / "large.pdf").pages) > len(PdfReader(tmp_path / "normal.pdf").pages)


def test_batch_large_print_flag(tmp_path):
    template = tmp_path / "intake.csv"
    run("template", str(template))
    code, _, err = run("batch", str(template), "--out", str(tmp_path / "out"), "--pdf", "--large-print")
    assert code == 0, err
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    assert min(_body_sizes(pdf)) >= 14


def test_batch_with_mixed_rows_processes_the_good_ones(tmp_path):
    template = tmp_path / "intake.csv"
    run("template", str(template))
    header, example = template.read_text().splitlines()
    columns = header.split(",")
    bad = dict(zip(columns, example.split(","), strict=True)) | {"lvef_percent": "500", "label": '=HYPERLINK("x")'}
    worse = dict(zip(columns, example.split(","), strict=True)) | {"cancer_type": "lung", "ecog": "9", "label": "CD"}
    good = dict(zip(columns, example.split(","), strict=True)) | {
        "label": "李小龍",
        "cancer_type": "cml",
        "early_relapse": "",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in (bad, worse, good):
        writer.writerow(row)
    template.write_text(buffer.getvalue(), encoding="utf-8")
    code, out, err = run("batch", str(template), "--out", str(tmp_path / "out"), "--pdf")
    assert code == 2
    assert (
        "row 1: lvef_percent: That looks too high for heart pumping strength (LVEF). Please check it: most people type a number between 5 and 85%."
        in err
    )
    assert "row 2: cancer_type:" in err and "row 2: ecog:" in err
    assert "1 of 3 rows summarised" in out
    rows = list(csv.DictReader((tmp_path / "out" / "results.csv").open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["invalid", "invalid", "ok"]
    assert rows[0]["label"].startswith("'=")  # formula neutralised
    assert rows[2]["label"] == "李小龍" and (tmp_path / "out" / rows[2]["pdf"]).exists()
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1


def test_batch_with_unknown_and_missing_columns_is_refused(tmp_path):
    path = tmp_path / "intake.csv"
    path.write_text("label,age,colour\nAB,40,blue\n")
    code, _, err = run("batch", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "unknown columns: colour" in err and "missing columns:" in err
    assert not (tmp_path / "out" / "results.csv").exists()


def test_batch_refuses_non_utf8(tmp_path):
    path = tmp_path / "intake.csv"
    path.write_bytes("label\nJos\xe9\n".encode("latin-1"))
    code, _, err = run("batch", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "not UTF-8" in err
