"""GET /healthz: what a load balancer asks every app server, without a session."""

from app import create_app
from tests.conftest import make_config


def test_should_answer_200_with_the_database_reachable_and_set_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


def test_should_answer_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app(make_config("sqlite:///" + str(tmp_path / "missing-folder" / "duban.sqlite")))
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    assert "无法连接" in response.json["database"]
