"""Users and roles in the browser: invitations, roles, strand leadership, deactivation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programme.models import Strand
from send_tracker import tasks
from send_tracker.accounts import services
from send_tracker.models import Invitation, UserChange
from send_tracker.permissions import ADMIN, DIRECTOR, FINANCE, LEAD, PROGRAMME_MANAGER

User = get_user_model()
GOOD_PASSWORD = "correct horse battery staple 42"  # noqa: S105
LINK = re.compile(r"http://testserver(/invitation/[^/\s]+/)")


@pytest.fixture(autouse=True)
def send_inline(monkeypatch):
    """The worker's job, done at once: the task's body runs when it would be queued."""
    monkeypatch.setattr(tasks.send_invitation, "delay",
                        lambda pk: services.invitation_send(invitation_id=pk))


@pytest.fixture
def admin(make_user):
    return make_user(ADMIN, username="admin-ann")


@pytest.fixture
def admin_client(client_for, admin):
    return client_for(admin)


def invite(admin_client, django_capture_on_commit_callbacks, **fields):
    data = {"first_name": "Pat", "last_name": "Manager", "email": "Pat.Manager@Example.org",
            "roles": [PROGRAMME_MANAGER], **fields}
    with django_capture_on_commit_callbacks(execute=True):
        return admin_client.post("/users/invite/", data)


def link_from_outbox() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def can_sign_in(username: str, password: str) -> bool:
    response = Client().post("/login/", {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == "/"


def set_password(client, link, password=GOOD_PASSWORD, again=None):
    return client.post(link, {"password": password,
                              "password_again": password if again is None else again})


# ---- Invitations ------------------------------------------------------------------------------

def test_an_invitation_creates_the_user_with_roles_and_sends_one_email_with_a_link(
    admin_client, django_capture_on_commit_callbacks,
):
    response = invite(admin_client, django_capture_on_commit_callbacks)
    user = User.objects.get(email="pat.manager@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{user.pk}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat.manager@example.org"]
    assert "Your username is: pat.manager@example.org" in mail.outbox[0].body
    assert LINK.search(mail.outbox[0].body)
    assert list(user.groups.values_list("name", flat=True)) == [PROGRAMME_MANAGER]
    assert not user.has_usable_password()


def test_only_a_hash_of_the_link_is_stored(admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    token = link_from_outbox().split("/")[2]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.token_hash(token)


def test_the_link_sets_the_password_and_signs_the_invitee_in(
    admin_client, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks)
    invitee = Client()
    page = invitee.get(link_from_outbox())
    assert page.status_code == 200
    assert "pat.manager@example.org" in page.content.decode()
    response = set_password(invitee, link_from_outbox())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert invitee.get("/").status_code == 200  # signed in
    user = User.objects.get(email="pat.manager@example.org")
    assert user.check_password(GOOD_PASSWORD)
    assert can_sign_in(user.username, GOOD_PASSWORD)


def test_the_link_works_once_even_if_the_password_is_set_twice(
    admin_client, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_from_outbox()
    set_password(Client(), link)
    again = Client()
    response = again.get(link)
    assert "This link has already been used" in response.content.decode()
    response = set_password(again, link, password="another long passphrase 99")
    assert "This link has already been used" in response.content.decode()
    user = User.objects.get(email="pat.manager@example.org")
    assert user.check_password(GOOD_PASSWORD)
    assert "_auth_user_id" not in again.session


def test_an_expired_link_is_refused_with_a_clear_message(
    admin_client, django_capture_on_commit_callbacks, settings,
):
    settings.INVITATION_VALID_DAYS = 7
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_from_outbox()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=7, minutes=1)):
        client = Client()
        assert "This link has expired" in client.get(link).content.decode()
        response = set_password(client, link)
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    assert not User.objects.get(email="pat.manager@example.org").has_usable_password()


def test_a_link_that_is_not_ours_says_so_and_names_no_account(
    admin_client, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks)
    body = Client().get("/invitation/not-a-real-token/").content.decode()
    assert "This link is not valid" in body
    assert "pat.manager" not in body


def test_a_new_invitation_voids_the_old_link(
    admin_client, admin, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks)
    old = link_from_outbox()
    user = User.objects.get(email="pat.manager@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/users/{user.pk}/invite/")
    new = link_from_outbox()
    assert len(mail.outbox) == 2
    assert new != old
    assert "This link is not valid" in Client().get(old).content.decode()
    assert set_password(Client(), new).status_code == 302


def test_the_password_validators_apply(admin_client, django_capture_on_commit_callbacks):
    invite(admin_client, django_capture_on_commit_callbacks)
    link = link_from_outbox()
    client = Client()
    short = set_password(client, link, password="short1").content.decode()
    assert "This password is too short" in short
    common = set_password(client, link, password="password1234").content.decode()
    assert "This password is too common" in common
    mismatch = set_password(client, link, again="something else entirely").content.decode()
    assert "The two passwords do not match" in mismatch
    assert not User.objects.get(email="pat.manager@example.org").has_usable_password()
    assert set_password(client, link).status_code == 302  # the link still works after errors


def test_a_duplicate_email_or_username_is_refused_beside_the_field(
    admin_client, make_user, django_capture_on_commit_callbacks,
):
    make_user(LEAD, username="taken")
    User.objects.filter(username="taken").update(email="Someone@Example.org")
    response = invite(admin_client, django_capture_on_commit_callbacks,
                      email="someone@example.ORG")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Another user already has this e-mail address" in body
    response = invite(admin_client, django_capture_on_commit_callbacks, username="TAKEN")
    assert "Another user already has this username" in response.content.decode()
    assert mail.outbox == []
    assert not UserChange.objects.exists()


def test_an_invitation_needs_a_role(admin_client, django_capture_on_commit_callbacks):
    response = invite(admin_client, django_capture_on_commit_callbacks, roles=[])
    assert "Choose at least one role" in response.content.decode() or \
        "This field is required" in response.content.decode()
    assert not User.objects.filter(email="pat.manager@example.org").exists()


# ---- Deactivation -----------------------------------------------------------------------------

def test_deactivation_ends_an_existing_session_and_api_token_at_once(admin_client, make_user):
    officer = make_user(FINANCE, username="officer")
    browser = Client()
    browser.force_login(officer)
    assert browser.get("/finance/").status_code == 200
    token = Token.objects.create(user=officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/strands/").status_code == 200

    response = admin_client.post(f"/users/{officer.pk}/deactivate/")

    assert response.status_code == 302
    page = browser.get("/finance/")
    assert page.status_code == 302
    assert "/login/" in page["Location"]
    assert api.get("/api/v1/strands/").status_code == 401
    assert not Token.objects.filter(user=officer).exists()
    assert not can_sign_in("officer", "a-long-test-password")
    officer.refresh_from_db()
    assert officer.is_active is False


def test_an_administrator_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(f"/users/{admin.pk}/deactivate/", follow=True)
    assert "You cannot deactivate yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_a_reactivated_user_signs_in_again(admin_client, make_user):
    officer = make_user(FINANCE, username="officer")
    admin_client.post(f"/users/{officer.pk}/deactivate/")
    admin_client.post(f"/users/{officer.pk}/reactivate/")
    assert can_sign_in("officer", "a-long-test-password")


def test_a_deactivated_users_invitation_link_stops_working(
    admin_client, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks)
    user = User.objects.get(email="pat.manager@example.org")
    admin_client.post(f"/users/{user.pk}/deactivate/")
    admin_client.post(f"/users/{user.pk}/reactivate/")
    assert "This link is not valid" in Client().get(link_from_outbox()).content.decode()


# ---- Roles and strands ------------------------------------------------------------------------

def details(user, **changes):
    data = {"section": "details", "details-first_name": user.first_name or "First",
            "details-last_name": user.last_name or "Last", "details-email": user.email,
            "details-roles": list(user.groups.values_list("name", flat=True))}
    data.update({f"details-{k}": v for k, v in changes.items()})
    return data


def test_a_role_change_is_saved_and_recorded_in_the_audit_trail(admin_client, admin, make_user):
    user = make_user(LEAD, username="robin", first_name="Robin", last_name="Hood")
    response = admin_client.post(f"/users/{user.pk}/", details(user, roles=[LEAD, DIRECTOR]))
    assert response.status_code == 302
    assert set(user.groups.values_list("name", flat=True)) == {LEAD, DIRECTOR}
    change = UserChange.objects.get(user=user, action="roles")
    assert change.created_by == admin
    assert change.description == ("Roles of Robin Hood (robin): Programme lead → Director, "
                                  "Programme lead")
    assert not UserChange.objects.filter(user=user, action="details").exists()
    audit = admin_client.get("/audit/").content.decode()
    assert "User change" in audit
    assert "Roles of Robin Hood (robin)" in audit
    assert "admin-ann" in audit


def test_an_administrator_cannot_remove_their_own_administrator_role(admin_client, admin):
    response = admin_client.post(f"/users/{admin.pk}/", details(admin, roles=[DIRECTOR]))
    assert "You cannot remove your own Administrator role" in response.content.decode()
    assert admin.groups.filter(name=ADMIN).exists()


@pytest.fixture
def strands(db):
    return [Strand.objects.create(name=name, slug=name.lower(), order=i)
            for i, name in enumerate(("Sufficiency", "Inclusion", "Health"))]


def test_strand_leadership_is_set_from_the_user_page_and_recorded(
    admin_client, admin, make_user, strands,
):
    previous = make_user(LEAD, username="previous-lead")
    sufficiency, inclusion, _ = strands
    Strand.objects.filter(pk=sufficiency.pk).update(lead=previous)
    user = make_user(LEAD, username="robin")
    response = admin_client.post(f"/users/{user.pk}/", {
        "section": "strands", "strands-lead_of": [sufficiency.pk],
        "strands-deputy_of": [inclusion.pk]})
    assert response.status_code == 302
    sufficiency.refresh_from_db()
    assert sufficiency.lead == user
    assert list(inclusion.deputies.all()) == [user]
    change = UserChange.objects.get(user=user, action="extra")
    assert change.created_by == admin
    assert change.description == ("Strands of robin: lead of Sufficiency (was previous-lead); "
                                  "deputy of Inclusion")
    assert sufficiency.history.first().history_user == admin
    listing = admin_client.get("/users/").content.decode()
    assert "Lead: Sufficiency" in listing
    assert "Deputy: Inclusion" in listing


def test_a_deactivated_user_cannot_be_made_a_lead(admin_client, make_user, strands):
    user = make_user(LEAD, username="gone", is_active=False)
    response = admin_client.post(f"/users/{user.pk}/", {
        "section": "strands", "strands-lead_of": [strands[0].pk]})
    assert response.status_code == 200
    assert "gone is deactivated" in response.content.decode()
    strands[0].refresh_from_db()
    assert strands[0].lead is None
    assert not UserChange.objects.exists()


def test_a_user_without_a_role_cannot_be_made_a_deputy(admin_client, make_user, strands):
    user = make_user(None, username="nobody")
    response = admin_client.post(f"/users/{user.pk}/", {
        "section": "strands", "strands-deputy_of": [strands[1].pk]})
    assert "nobody has no role in the tracker" in response.content.decode()
    assert not strands[1].deputies.exists()


def test_removing_a_users_strands_leaves_them_without_a_lead(admin_client, make_user, strands):
    user = make_user(LEAD, username="robin")
    Strand.objects.filter(pk=strands[0].pk).update(lead=user)
    strands[1].deputies.add(user)
    admin_client.post(f"/users/{user.pk}/", {"section": "strands"})
    strands[0].refresh_from_db()
    assert strands[0].lead is None
    assert not strands[1].deputies.exists()
    assert UserChange.objects.get(user=user).description == (
        "Strands of robin: no longer lead of Sufficiency; no longer deputy of Inclusion")


# ---- Who may ----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [LEAD, FINANCE, DIRECTOR, PROGRAMME_MANAGER])
def test_only_administrators_open_the_user_pages(client_for, make_user, role):
    client = client_for(make_user(role))
    target = make_user(LEAD)
    for path in ("/users/", "/users/invite/", f"/users/{target.pk}/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/users/{target.pk}/deactivate/").status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_the_users_link_is_in_the_navigation_for_administrators_only(
    admin_client, client_for, make_user,
):
    assert 'href="/users/"' in admin_client.get("/").content.decode()
    director = client_for(make_user(DIRECTOR))
    assert 'href="/users/"' not in director.get("/").content.decode()


def test_the_user_list_shows_roles_status_and_last_sign_in(admin_client, make_user):
    make_user(FINANCE, username="officer", is_active=False)
    body = admin_client.get("/users/").content.decode()
    assert "officer" in body
    assert "Finance officer" in body
    assert "Deactivated" in body
    assert "Never" in body
    only = admin_client.get("/users/?status=deactivated").content.decode()
    assert ">officer</a>" in only
    assert ">admin-ann</a>" not in only


def test_the_user_pages_keep_to_the_query_budget_whatever_the_number_of_users(
    admin_client, make_user, strands, django_assert_max_num_queries,
):
    for n in range(30):
        user = make_user(LEAD if n % 2 else FINANCE)
        strands[n % 3].deputies.add(user)
    with django_assert_max_num_queries(9):
        assert admin_client.get("/users/?page=2").status_code == 200
    with django_assert_max_num_queries(14):
        assert admin_client.get(f"/users/{user.pk}/").status_code == 200


# ---- Hostile input ----------------------------------------------------------------------------

HOSTILE = ["", " ", "\x00", "%00", "²", "-1", "99999999999999999999", "1.5", "a" * 5000,
           '"><script>alert(1)</script>', "' OR 1=1 --", "Programme lead\x00"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_the_user_forms_are_refused_without_a_server_error(
    admin_client, make_user, strands, value, django_capture_on_commit_callbacks,
):
    user = make_user(LEAD, username="robin")
    before = UserChange.objects.count()
    for field in ("first_name", "last_name", "email", "username", "roles"):
        response = invite(admin_client, django_capture_on_commit_callbacks, **{field: value})
        assert response.status_code in (200, 302), (field, response.status_code)
        assert "<script>alert(1)" not in response.content.decode()
    for data in ({"section": "details", "details-roles": [value], "details-email": value},
                 {"section": "strands", "strands-lead_of": [value]},
                 {"section": "strands", "strands-deputy_of": [value, str(strands[0].pk)]},
                 {"section": value}):
        response = admin_client.post(f"/users/{user.pk}/", data)
        assert response.status_code in (200, 302), (data, response.status_code)
    for path in (f"/invitation/{value}/", f"/users/{value}/"):
        if "/" in value.strip("/") or not value.strip():
            continue
        assert Client().get(path).status_code < 500
        assert Client().post(path, {"password": value, "password_again": value}).status_code < 500
    # Only a well-formed invitation (the values that are valid names) may have been written.
    assert UserChange.objects.exclude(action="invited").count() == before


def test_pages_for_unusable_links_never_name_the_account(
    admin_client, django_capture_on_commit_callbacks, settings,
):
    invite(admin_client, django_capture_on_commit_callbacks, username="pat")
    link = link_from_outbox()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=30)):
        expired = Client().get(link).content.decode()
    set_password(Client(), link)
    used = Client().get(link).content.decode()
    for body in (expired, used):
        assert ">pat<" not in body
        assert "pat.manager" not in body


# ---- The worker's job -------------------------------------------------------------------------

def test_the_invitation_email_is_queued_after_commit_and_sent_once_if_the_task_runs_twice(
    admin, monkeypatch, django_capture_on_commit_callbacks,
):
    queued = []
    monkeypatch.setattr(tasks.send_invitation, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_invite(first_name="Pat", last_name="Lead", email="pat@example.org",
                             roles=[LEAD], site_url="https://tracker.example.org/", by=admin)
    assert queued == []  # nothing is queued before the invitation is committed
    for callback in callbacks:
        callback()
    assert len(queued) == 1
    assert tasks.send_invitation(queued[0]) is True
    assert tasks.send_invitation(queued[0]) is False
    assert len(mail.outbox) == 1
    assert "https://tracker.example.org/invitation/" in mail.outbox[0].body


def test_invited_means_no_password_set_yet_and_a_new_link_leaves_an_active_user_active(
    admin_client, make_user, django_capture_on_commit_callbacks,
):
    invite(admin_client, django_capture_on_commit_callbacks, username="pat")
    active = make_user(LEAD, username="robin")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/users/{active.pk}/invite/")  # a reset link for someone signed up
    invited = admin_client.get("/users/?status=invited").content.decode()
    assert ">pat</a>" in invited
    assert ">robin</a>" not in invited
    assert ">robin</a>" in admin_client.get("/users/?status=active").content.decode()
    set_password(Client(), LINK.search(mail.outbox[0].body).group(1))  # pat's own link
    assert ">pat</a>" in admin_client.get("/users/?status=active").content.decode()


def test_an_input_in_error_has_the_error_border_and_its_message_beside_it(
    admin_client, django_capture_on_commit_callbacks,
):
    body = invite(admin_client, django_capture_on_commit_callbacks, email="not-an-address"
                  ).content.decode()
    assert re.search(r'<input[^>]*class="[^"]*govuk-input--error[^"]*"[^>]*id="id_email"', body) \
        or re.search(r'<input[^>]*id="id_email"[^>]*govuk-input--error', body)
    assert 'href="#id_email"' in body
    assert "<title>Error: " in body
