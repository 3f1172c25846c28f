"""The import pages through the test client: staff only, drafts private to their owner, the
size limit, CSRF, the whole flow, and the claim invitation."""

from __future__ import annotations

import re

import pytest

from directory.core import users
from tests.accounts.helpers import make_user, sign_in
from tests.imports.helpers import (
    AMBIGUOUS_ROW,
    CONFIRM_ROW,
    KATALE_NEAR_MASISI,
    SAMPLE_XLSX,
    coordinator_client,
    csrf,
    form_values,
    snapshot,
    upload,
)


@pytest.fixture
def backend():
    """The pages sit above the store contract; they run on the embedded store."""
    return "sqlite"


@pytest.fixture
def coordinator(app, app_store):
    return coordinator_client(app, app_store)


def submit(client, url, **extra):
    """Submit the form of ``url`` as a browser would, with ``extra`` fields changed."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    data = form_values(page.get_data(as_text=True), url.split("?")[0])
    data.update(extra)
    return client.post(url, data=data)


def walk_to_preview(client):
    """Upload the sample and accept every suggestion up to the preview; its URL."""
    response = upload(client, SAMPLE_XLSX.read_bytes(), SAMPLE_XLSX.name)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    for _step in ("sheet", "columns", "needs"):
        response = submit(client, response.headers["Location"])
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response.headers["Location"]


def test_only_staff_may_import(app, client, app_store):
    assert client.get("/imports/").status_code == 401
    make_user(app_store, "caseworker", email="cw@example.org")
    worker = app.test_client()
    sign_in(worker, "cw@example.org")
    assert worker.get("/imports/").status_code == 403
    nav = coordinator_client(app, app_store).get("/imports/").get_data(as_text=True)
    assert 'href="/imports/"' in nav and "Importer une cartographie" in nav


def test_the_whole_flow_then_a_claim_invitation(coordinator, app_store):
    preview_url = walk_to_preview(coordinator)
    page = coordinator.get(preview_url).get_data(as_text=True)
    assert "12 lignes : 10 à importer, 2 à corriger, 0 exclues." in page
    assert (
        "ligne 9, colonne « Localité » (E) : « Rutshru » n&#39;est pas dans le répertoire" in page
    )
    assert f'name="place-{AMBIGUOUS_ROW}" value="{KATALE_NEAR_MASISI}"' in page
    assert "Kitchanga (Nord-Kivu)" in page and "+243 970 000 101" in page
    refused = submit(coordinator, preview_url, action="import")
    assert refused.status_code == 422 and "Lignes à corriger : 9, 12." in refused.get_data(True)
    assert sum(app_store.counts().values()) == 0
    done = submit(
        coordinator,
        preview_url,
        action="import",
        exclude=[str(CONFIRM_ROW)],
        **{f"place-{AMBIGUOUS_ROW}": KATALE_NEAR_MASISI},
    )
    assert done.status_code == 302 and "/imports/done/" in done.headers["Location"]
    assert app_store.counts() == {"organization": 7, "location": 11, "service": 11}
    assert coordinator.get(preview_url).status_code == 404  # the draft is gone
    result = coordinator.get(done.headers["Location"]).get_data(as_text=True)
    assert "11 lignes importées. Fiches : 29 nouvelles" in result
    org_id = re.search(r'name="organization_id" value="([^"]+)"', result).group(1)
    invited = coordinator.post(
        done.headers["Location"] + "/invite",
        data={"csrf_token": csrf(result), "organization_id": org_id, "email": "p@example.org"},
    )
    link = re.search(
        r'<code class="import-link">http://localhost/invite/([^<]+)</code>',
        invited.get_data(as_text=True),
    )
    assert invited.status_code == 200 and link
    provider = users.accept_invite(app_store, link.group(1), "Prov", "lac Kivu pirogue 2026")
    assert provider.role == "provider" and provider.organization_id == org_id
    again = coordinator.get(done.headers["Location"]).get_data(as_text=True)
    assert "Déjà gérée par un compte de l'organisation." in again
    assert link.group(1) not in again  # the link is shown once
    other = coordinator.post(
        done.headers["Location"] + "/invite",
        data={"csrf_token": csrf(result), "organization_id": "x", "email": "q@example.org"},
    )
    assert other.status_code == 404


def test_a_draft_belongs_to_its_uploader(app, coordinator, app_store):
    preview_url = walk_to_preview(coordinator)
    make_user(app_store, "admin", email="admin@example.org")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    assert admin.get(preview_url).status_code == 404
    assert admin.get(preview_url.replace("/preview", "/sheet")).status_code == 404


def test_a_20_mb_file_gets_413_and_a_clear_message(coordinator, app_store):
    before = snapshot(app_store)
    response = upload(coordinator, b"x;y\n" * (5 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Le fichier dépasse 10 Mo" in page and 'id="upload-error"' in page
    assert snapshot(app_store) == before


def test_a_file_between_the_app_limit_and_the_import_limit_is_read(coordinator):
    padding = "\n" * (2 * 1024 * 1024)  # 2 MB of blank lines: over the 1 MiB API limit
    data = SAMPLE_XLSX.with_suffix(".csv").read_bytes() + padding.encode()
    assert upload(coordinator, data, "carto.csv").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Structure;Lieu\nCentre \x81;Goma\n", "octet 0x81 illisible"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Ancien format Excel"),
    ],
)
def test_unreadable_uploads_say_why(coordinator, app_store, data, message):
    response = upload(coordinator, data, "carto.csv")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert app_store.find_records("import_draft") == []


def test_merged_header_cells_are_refused_at_the_sheet_step(coordinator, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(SAMPLE_XLSX)
    book["Cartographie"].merge_cells("H4:I4")
    path = tmp_path / "fusion.xlsx"
    book.save(path)
    sheet_url = upload(coordinator, path.read_bytes(), path.name).headers["Location"]
    refused = submit(coordinator, sheet_url)
    assert refused.status_code == 422
    assert "Cellules fusionnées dans la ligne des titres (H4:I4)" in refused.get_data(True)


def test_forms_need_the_csrf_token(coordinator):
    response = coordinator.post("/imports/", data={"partner": "X"})
    assert response.status_code == 400


def test_the_pages_speak_english_too(coordinator):
    page = coordinator.get("/imports/?lang=en").get_data(as_text=True)
    assert "Import a service mapping" in page and '<html lang="en">' in page


def test_only_the_rows_to_fix_and_a_download_of_the_rows_left_out(coordinator, app_store):
    preview_url = walk_to_preview(coordinator)
    full = coordinator.get(preview_url).get_data(as_text=True)
    assert "Voir seulement les lignes à corriger (2)" in full
    first_ok = min(int(n) for n in re.findall(r'id="row-(\d+)"', full) if int(n) not in (9, 12))
    submit(coordinator, preview_url, action="update", exclude=[str(first_ok)])
    fix_url = preview_url + "?only=fix"
    few = coordinator.get(fix_url).get_data(as_text=True)
    assert sorted(int(n) for n in re.findall(r'id="row-(\d+)"', few)) == [9, 12]
    assert "Voir toutes les lignes" in few
    submit(coordinator, fix_url, action="update", exclude=["12"])  # from the short view
    after = coordinator.get(preview_url).get_data(as_text=True)
    assert "2 exclues" in after  # the row excluded before, out of sight, stays excluded
    csv_answer = coordinator.get(preview_url.replace("/preview", "/left-out.csv"))
    assert csv_answer.status_code == 200 and csv_answer.mimetype == "text/csv"
    assert "attachment" in csv_answer.headers["Content-Disposition"]
    lines = csv_answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].endswith("Njia : pourquoi la ligne est laissée de côté")
    assert len(lines) == 1 + 3  # two excluded, one still to fix
    assert any("Rutshru" in line and "répertoire" in line for line in lines)
    assert sum(app_store.counts().values()) == 0  # downloading writes nothing


def test_a_left_out_cell_never_runs_as_a_formula():
    from directory.pages.spreadsheet import _inert

    assert _inert('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [_inert(c) for c in ("+243 970", "-1", "@SUM(A1)", "Goma")] == [
        "'+243 970", "'-1", "'@SUM(A1)", "Goma"]  # fmt: skip
