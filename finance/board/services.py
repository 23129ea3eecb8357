"""Writes of the board: build a month's snapshot, edit its text, sign it off, export and send it.

A signed-off summary is frozen: these services refuse to change it, and a database trigger
(migration 0002) refuses any UPDATE or DELETE of it that gets past them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from finance.board import selectors
from finance.board.models import BoardEmail, BoardPack, BoardSummary
from send_tracker.fiscal import PERIODS, FinancialYear, add_working_days, period_end
from send_tracker.locks import advisory_lock
from send_tracker.permissions import can
from send_tracker.reporting import reporting_month
from send_tracker.versioning import StaleEditError, version_claim

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    summary: BoardSummary
    outcome: str  # created, updated, unchanged, signed_off

    @property
    def changed(self) -> bool:
        return self.outcome in ("created", "updated")


def _enqueue(task_name: str, *args) -> None:
    """Queue a board task after commit; a broker outage is logged, never a failed request."""
    from finance.board import tasks

    getattr(tasks, task_name).delay_on_commit(*args)


def _request_packs(summary: BoardSummary) -> None:
    for kind in BoardPack.Kind.values:
        board_pack_request(summary=summary, kind=kind)


def board_summary_build(
    *, year: int, period: int, new_version: bool = False, user=None
) -> BuildResult:
    """Build (or refresh) the month's draft from the apps' selectors.

    No summary yet: version 1. A draft: refreshed in place, or left alone when its content
    hash is unchanged. Signed off: left alone, unless `new_version` asks for a new draft
    (a director's decision when `user` is given).
    """
    if period not in PERIODS:
        raise ValidationError({"period": "A period is a number from 1 (April) to 12 (March)."})
    content = selectors.board_content(year=FinancialYear(year), period=period)
    digest = selectors.content_hash(content)
    now = timezone.now()
    # The month's lock, held until the draft is committed: a second build of the same month
    # waits, then sees the first one's draft and finds nothing to change.
    with advisory_lock(f"board-summary:{year}:{period}", wait=True), transaction.atomic():
        latest = (
            BoardSummary.objects.select_for_update()
            .filter(year=year, period=period)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.is_draft:
            # A person's rebuild answers a return to finance (ready for sign-off again); an
            # automatic refresh (after an earlier month's sign-off) leaves it returned.
            answered = latest.is_returned and user is not None
            if latest.content_hash == digest and not answered:
                return BuildResult(latest, "unchanged")
            latest.content, latest.content_hash, latest.built_at = content, digest, now
            if user is not None:
                latest.status = BoardSummary.Status.DRAFT
            latest.updated_by = user
            if user is not None:  # see board_summary_sign_off
                latest._history_user = user
            latest.full_clean()
            latest.save()
            _request_packs(latest)
            return BuildResult(latest, "updated")
        if latest is not None and not new_version:
            return BuildResult(latest, "signed_off")
        if latest is not None and user is not None and not can(user, "sign_off_board"):
            raise PermissionDenied("Only a director may ask for a new draft of a signed-off month.")
        summary = BoardSummary(
            year=year, period=period, version=(latest.version + 1) if latest else 1,
            content=content, content_hash=digest, built_at=now, created_by=user, updated_by=user,
        )
        if user is not None:
            summary._history_user = user
        if latest is not None:
            # The office's text carries over to the new draft, to be revised before sign-off.
            summary.commentary = latest.commentary
            summary.decisions_needed = latest.decisions_needed
        summary.full_clean()
        summary.save()
        _request_packs(summary)
        return BuildResult(summary, "created")


def board_summary_due_month(*, today: dt.date) -> tuple[FinancialYear, int] | None:
    """The reporting month (the last closed period), once its draft is due by `today` (the
    build working day after its end), else None."""
    year, period = reporting_month(today=today)
    due = add_working_days(period_end(year, period), settings.BOARD_SUMMARY_BUILD_WORKING_DAY)
    return (year, period) if today >= due else None


def board_summary_build_if_due(*, today: dt.date) -> BuildResult | None:
    """On or after the build day, build last month's draft if the month has no summary yet."""
    due = board_summary_due_month(today=today)
    if due is None:
        return None
    year, period = due
    if BoardSummary.objects.filter(year=year.start_year, period=period).exists():
        return None
    return board_summary_build(year=year.start_year, period=period)


def _editable(summary_id: int) -> BoardSummary:
    summary = BoardSummary.objects.select_for_update().get(pk=summary_id)
    if not summary.is_draft:
        raise ValidationError("This summary is signed off: nothing in it can change.")
    return summary


@transaction.atomic
def board_summary_update_text(
    *,
    summary_id: int,
    user,
    commentary: str,
    decisions_needed: str,
    read_version: int | None = None,
) -> BoardSummary:
    """The programme office's commentary and decisions needed, on a draft only.

    `read_version` is the edit version the form was read at: saving over a newer edit is
    refused (send_tracker.versioning), nothing lost.
    """
    if not can(user, "edit_board_commentary"):
        raise PermissionDenied("Only the programme office may edit the commentary.")
    _editable(summary_id)
    if not version_claim(BoardSummary, pk=summary_id, read_version=read_version,
                         field=BoardSummary.VERSION_FIELD):
        raise StaleEditError(
            "Someone else changed this summary after you opened it. Your text has not been "
            "saved: copy it, reload the page and apply it again.", field="edit_version",
        )
    summary = BoardSummary.objects.get(pk=summary_id)  # held by our UPDATE until commit
    summary.commentary = commentary.strip()
    summary.decisions_needed = decisions_needed.strip()
    summary.status = BoardSummary.Status.DRAFT  # revised: ready for sign-off again
    summary.updated_by = user
    summary._history_user = user  # see board_summary_sign_off
    summary.full_clean()
    summary.save()
    _request_packs(summary)
    return summary


def _display_name(user) -> str:
    return (user.get_full_name() or user.get_username()).strip()


@transaction.atomic
def board_summary_sign_off(*, summary_id: int, user, distribute: bool = True) -> BoardSummary:
    """A director signs off a draft: it is frozen from then on, and sent to the board."""
    if not can(user, "sign_off_board"):
        raise PermissionDenied("Only a director may sign off a board summary.")
    summary = _editable(summary_id)
    summary.status = BoardSummary.Status.SIGNED_OFF
    summary.signed_off_by = user
    summary.signed_off_by_name = _display_name(user)
    summary.signed_off_at = timezone.now()
    summary.updated_by = user
    # The history names the director whoever calls this: a request (where simple_history's
    # middleware would), the API's token sign-in (authenticated after that middleware ran), or
    # the demo's seeding and the shell (no request at all: "system" before this).
    summary._history_user = user
    summary.full_clean()
    summary.save()
    _request_packs(summary)
    if distribute:
        _enqueue("send_board_summary", summary.pk)
    # Later months' drafts measure their changes against the last signed-off month: refresh them.
    later = BoardSummary.objects.filter(status__in=BoardSummary.OPEN_STATUSES).filter(
        Q(year__gt=summary.year) | Q(year=summary.year, period__gt=summary.period)
    )
    for year, period in later.values_list("year", "period"):
        _enqueue("build_board_summary", year, period)
    return summary


RETURN_COMMENTS_REQUIRED = "Say what finance should change before you sign the month off."


@transaction.atomic
def board_summary_return(*, summary_id: int, user, comments: str) -> BoardSummary:
    """A director returns a draft to finance with comments instead of signing it off.

    The draft becomes "Returned to finance" (finance officers see it in their tasks); finance's
    next text edit or rebuild makes it a draft again. Who, when and why stay on the row and in
    its history (the audit trail names the director).
    """
    if not can(user, "sign_off_board"):
        raise PermissionDenied("Only a director may return a board summary to finance.")
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError({"comments": RETURN_COMMENTS_REQUIRED})
    summary = _editable(summary_id)
    summary.status = BoardSummary.Status.RETURNED
    summary.return_comments = comments
    summary.returned_by = user
    summary.returned_by_name = _display_name(user)
    summary.returned_at = timezone.now()
    summary.updated_by = user
    summary._history_user = user  # the audit trail names the director, not "system"
    summary._change_reason = "Returned to finance with comments"
    summary.full_clean()
    summary.save()
    return summary


# ---- Packs ------------------------------------------------------------------------------


def _render(summary: BoardSummary, kind: str) -> bytes:
    if kind == BoardPack.Kind.PDF:
        from finance.board.pdf import render_pdf

        return render_pdf(summary)
    from finance.board.excel import render_xlsx

    return render_xlsx(summary)


def board_pack_request(*, summary: BoardSummary, kind: str) -> BoardPack:
    """Mark the summary's pack as being prepared and queue its build (after commit)."""
    pack, created = BoardPack.objects.get_or_create(
        summary=summary, kind=kind, pack_key=summary.pack_key
    )
    if created or pack.status == BoardPack.Status.FAILED:
        _enqueue("build_board_pack", summary.pk, kind)
    return pack


def board_pack_build(*, summary_id: int, kind: str) -> BoardPack:
    """Render and store the pack of the summary as it stands now; a stored one is reused."""
    summary = BoardSummary.objects.get(pk=summary_id)
    key = summary.pack_key
    ready = BoardPack.objects.filter(
        summary=summary, kind=kind, pack_key=key, status=BoardPack.Status.READY
    ).first()
    if ready is not None:
        return ready
    data = _render(summary, kind)
    with transaction.atomic():
        pack, _ = BoardPack.objects.select_for_update().get_or_create(
            summary=summary, kind=kind, pack_key=key
        )
        pack.data, pack.size_bytes = data, len(data)
        pack.status, pack.error, pack.finished_at = BoardPack.Status.READY, "", timezone.now()
        pack.save()
        # Packs of earlier states of the summary are no longer offered: drop their bytes.
        BoardPack.objects.filter(summary=summary, kind=kind).exclude(pack_key=key).delete()
    return pack


def board_pack_fail(*, summary_id: int, kind: str, error: str) -> None:
    """Record that a pack could not be built, so the page stops saying 'being prepared'."""
    summary = BoardSummary.objects.get(pk=summary_id)
    BoardPack.objects.filter(summary=summary, kind=kind, pack_key=summary.pack_key).exclude(
        status=BoardPack.Status.READY
    ).update(status=BoardPack.Status.FAILED, error=error[:2000], finished_at=timezone.now())


# ---- Distribution -----------------------------------------------------------------------


def board_summary_send(*, summary_id: int) -> int:
    """E-mail a signed-off summary with its PDF to each board member once; returns how many sent.

    Each e-mail is recorded in the same transaction as it is sent: a retried task finds the row
    and skips the member, and a failed send rolls its row back so the retry sends it.
    """
    summary = BoardSummary.objects.get(pk=summary_id)
    if summary.is_draft:
        raise ValidationError("Only a signed-off summary is sent to the board.")
    recipients = sorted({e.strip().lower() for e in settings.BOARD_MEMBER_EMAILS if e.strip()})
    already = set(summary.emails.values_list("recipient", flat=True))
    pending = [r for r in recipients if r not in already]
    if not pending:
        return 0
    pdf = board_pack_build(summary_id=summary.pk, kind=BoardPack.Kind.PDF)
    subject = (
        f"{settings.COUNCIL_NAME} SEND board summary {summary.fy.label} "
        f"{summary.period_name} – signed off"
    )
    body = (
        f"The SEND transformation board summary for {summary.period_name} {summary.fy.label} "
        f"(version {summary.version}) was signed off by {summary.signed_off_by_name} on "
        f"{timezone.localtime(summary.signed_off_at):%-d %B %Y at %H:%M}.\n\n"
        "The board pack is attached as a PDF.\n"
    )
    filename = f"board-pack-{summary.fy.slug}-p{summary.period}-v{summary.version}.pdf"
    sent = 0
    for recipient in pending:
        try:
            with transaction.atomic():
                BoardEmail.objects.create(summary=summary, recipient=recipient)
                message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
                message.attach(filename, bytes(pdf.data), "application/pdf")
                message.send()
        except IntegrityError:
            continue  # another run of this task sent it first
        sent += 1
    return sent
