"""Throttles kept in the database: per address and per account on sign-in, per address on the public link pages."""

import statistics
import time
from datetime import date, timedelta

import pytest
import time_machine

from clock import utcnow
from extensions import db
from models import Role, ThrottleEvent, User
from tests.factories import PASSWORD, make_user
from tests.office import assigned_item, at, build_office
from workflows.accounts import unlock_account
from workflows.tokens import make_token


def login_from(client, address: str, username: str, password: str = PASSWORD):
    """Sign in as if from another machine."""
    return client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def message_of(response) -> str:
    """The alert text of the sign-in page."""
    page = response.get_data(as_text=True)
    return page.split('role="alert">', 1)[1].split("<", 1)[0] if 'role="alert">' in page else ""


def test_should_refuse_an_address_after_30_failures_even_with_the_right_password(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    for n in range(30):
        assert login_from(client, "10.0.0.9", f"guess{n}", "wrong-password").status_code == 401
    blocked = login_from(client, "10.0.0.9", "zhang")
    assert blocked.status_code == 429 and "此网络地址登录失败次数过多" in message_of(blocked)
    assert login_from(client, "10.0.0.10", "zhang").status_code == 302, "another address is not blocked"


def test_should_stop_a_fast_guesser_on_one_account_and_still_let_the_owner_in_from_their_own_address(client):
    make_user("admin", Role.ADMIN)
    db.session.commit()
    assert login_from(client, "192.168.1.20", "admin").status_code == 302  # the owner's usual machine
    client.post("/logout")
    refused = 0
    for _ in range(300):
        response = login_from(client, "10.6.6.6", "admin", "wrong-password")
        refused += response.status_code == 429
    assert refused >= 269, "the address is cut off after 30 attempts"
    assert login_from(client, "10.6.6.6", "admin").status_code == 429, "the attacker's right guess is refused too"
    assert login_from(client, "10.7.7.7", "admin").status_code == 401, "the account is locked for strangers"
    assert login_from(client, "192.168.1.20", "admin").status_code == 302, "its owner still gets in"


def test_should_answer_unknown_and_known_names_alike_through_the_lock(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    known = [message_of(login_from(client, "10.0.0.1", "zhang", "bad-password")) for _ in range(6)]
    unknown = [message_of(login_from(client, "10.0.0.2", "nobody", "bad-password")) for _ in range(6)]
    assert known == unknown
    assert known[0] == "用户名或密码错误。" and "锁定" in known[4] and "锁定" in known[5]


@pytest.fixture
def scrypt(app):
    """The production password hash."""
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"


def test_should_spend_the_same_hashing_time_on_unknown_names(scrypt, client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()

    def timed(username: str, address: str) -> float:
        started = time.perf_counter()
        login_from(client, address, username, "bad-password")
        return time.perf_counter() - started

    known = statistics.median(timed("zhang", f"10.1.0.{n}") for n in range(3))
    unknown = statistics.median(timed(f"nobody{n}", f"10.2.0.{n}") for n in range(3))
    assert unknown > known * 0.6, f"unknown {unknown * 1000:.0f} ms vs known {known * 1000:.0f} ms"


def test_should_let_an_admin_unlock_a_locked_account(client, now):
    user = make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    for _ in range(5):
        login_from(client, "10.0.0.3", "zhang", "bad-password")
    assert "锁定" in message_of(login_from(client, "10.0.0.4", "zhang"))
    unlock_account(db.session, db.session.get(User, user.id), now=now)
    db.session.commit()
    assert login_from(client, "10.0.0.4", "zhang").status_code == 302


def test_should_let_an_address_try_again_when_its_failures_age_out(client):
    for n in range(30):
        login_from(client, "10.0.0.5", f"guess{n}", "wrong-password")
    assert login_from(client, "10.0.0.5", "x", "y").status_code == 429
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert login_from(client, "10.0.0.5", "x", "wrong-password").status_code == 401


def test_should_keep_the_throttle_in_the_database_for_every_process(client):
    login_from(client, "10.0.0.6", "zhang", "wrong-password")
    event = db.session.scalar(db.select(ThrottleEvent))
    assert (event.scope, event.address, event.username) == ("login", "10.0.0.6", "zhang")


class TestLinks:
    """Guessing links to the units' and the roster's pages is limited per address."""

    @pytest.fixture
    def share(self, app):
        office = build_office()
        now = at(2026, 11, 25)
        item = assigned_item(office, deadline=date(2026, 12, 15), now=now)
        db.session.commit()
        return item.assignments[0]

    @pytest.mark.parametrize("prefix", ["/unit/", "/roster/"])
    def test_should_answer_a_guesser_with_a_chinese_429_and_spare_other_addresses(self, client, share, prefix):
        good = f"/unit/{make_token(share)}"
        statuses = [
            client.get(f"{prefix}guess{n}", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for n in range(25)
        ]
        assert statuses[:20] == [403] * 20 and statuses[20:] == [429] * 5
        blocked = client.get(good, environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert blocked.status_code == 429 and "此网络地址打开无效链接的次数过多" in blocked.get_data(as_text=True)
        assert client.get(good, environ_base={"REMOTE_ADDR": "10.9.9.8"}).status_code == 200
