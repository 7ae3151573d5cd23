"""Command-line commands: `flask --app app <command>`."""
from __future__ import annotations

import logging
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import text

from exchange.core import accounts
from exchange.core.errors import ValidationError
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.unit import unit_of_work
from models.base import get_by_id


def _fail_with(error: ValidationError) -> None:
    for field, messages in error.errors.items():
        for message in messages:
            click.echo(f"{field or 'error'}: {message}", err=True)
    raise SystemExit(1)


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True, help="The administrator's email (an existing account is promoted).")
@click.option("--name", default="Administrator", show_default=True)
@click.option("--password", help="For a new account; asked for when not given.")
def create_admin_command(email: str, name: str, password: str | None) -> None:
    """Create a site administrator, or make an existing user one."""
    if password is None and accounts.find_user_by_email(db.session, email) is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            user, created = accounts.create_admin(db.session, email=email, name=name,
                                                  password=password or "", now=utcnow())
    except ValidationError as error:
        _fail_with(error)
    click.echo(f"{'Created' if created else 'Promoted'} administrator {user.email}.")


@click.command("load-demo-data")
@with_appcontext
def load_demo_data_command() -> None:
    """Load the demo county (organizations, members, logins) once; later runs change nothing."""
    from exchange.cli.demo import load_demo_data

    with unit_of_work():
        loaded = load_demo_data(db.session, now=utcnow())
    click.echo("Demo data loaded." if loaded else "Demo data is already there; nothing changed.")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs (one process per deployment; a second copy waits idle)."""
    from flask import current_app

    from exchange.cli.jobs import SchedulerLockLost, run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        run_scheduler(current_app._get_current_object())
    except SchedulerLockLost:
        raise SystemExit(1)  # already logged; the supervisor restarts it to wait for the lock


def _moment(value: str | None) -> datetime | None:
    """A --now value: an ISO 8601 date and time, UTC unless it names its offset."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("give a date and time such as 2026-11-21T12:00 "
                                 "(UTC unless an offset such as +01:00 follows)",
                                 param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.command("run-job")
@click.argument("job_id")
@click.option("--now", "at", metavar="DATETIME",
              help="Run as if it were this moment (ISO 8601, UTC unless an offset is given), "
                   "e.g. to replay a run the scheduler missed.")
@with_appcontext
def run_job_command(job_id: str, at: str | None) -> None:
    """Run one scheduled job now, e.g. `flask --app app run-job expire-listings`."""
    from flask import current_app

    from exchange.cli.jobs import JOBS, run_job

    job = next((j for j in JOBS if j.id == job_id), None)
    if job is None:
        raise click.BadParameter(f"choose one of: {', '.join(j.id for j in JOBS)}",
                                 param_hint="JOB_ID")
    click.echo(f"{job.id}: {run_job(current_app._get_current_object(), job, now=_moment(at))}")


@click.command("import-data")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_data_command(file: Path) -> None:
    """Import organizations and listings from a CSV or JSON file (all or nothing)."""
    from exchange.core.transfer import ImportRefused, import_file

    try:
        with unit_of_work():
            summary = import_file(db.session, file.name, file.read_bytes(), utcnow())
    except ImportRefused as refused:
        click.echo(f"{file.name}: {refused.message}", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    click.echo(str(summary))
    for warning in summary.warnings:  # taken as not a payment; no importing user from the CLI
        click.echo(f"  warning: {warning}")


@click.command("export-data")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of the standard output.")
@with_appcontext
def export_data_command(fmt: str, output: Path | None) -> None:
    """Export every organization and listing, refs included, in the import format."""
    from exchange.core.transfer import FILE_ENCODINGS, export

    text = export(db.session, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding=FILE_ENCODINGS[fmt])
        click.echo(f"Wrote {output}.", err=True)


@click.group("matching")
def matching_group() -> None:
    """Matching: rebuild the index and proposals, export them for brokers."""


@matching_group.command("rebuild")
@with_appcontext
def matching_rebuild_command() -> None:
    """Rebuild the matching index from every open listing and compute all proposals."""
    import os
    import time

    from exchange.core.proposals import IndexCache, all_matches

    started = time.perf_counter()
    index = IndexCache().sync(db.session, workers=os.cpu_count() or 1)
    matches = all_matches(index)
    click.echo(f"Indexed {len(index)} open listings; {len(matches)} proposals "
               f"in {time.perf_counter() - started:.1f} s.")


@matching_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--clearing", is_flag=True, help="Export the cleared set (gifts, swaps, cycles) "
                                                "instead of every proposal.")
@click.option("--event", "event_id", type=int, help="Only the listings the admitted "
                                                    "organizations bring to this event.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def matching_export_command(fmt: str, clearing: bool, event_id: int | None,
                            output: Path | None) -> None:
    """Write proposals with both listings' ids, refs, titles, organizations, score and reasons."""
    import csv
    import io
    import json
    import os

    from exchange.core.events import event_listings
    from exchange.core.proposals import IndexCache, export_rows
    from exchange.infra.spreadsheet import safe_cell
    from models import ExchangeEvent

    listings = None
    if event_id is not None:
        event = get_by_id(db.session, ExchangeEvent, event_id)
        if event is None:
            raise click.ClickException(f"There is no event {event_id}.")
        listings = event_listings(db.session, event)
    index = IndexCache().sync(db.session, workers=os.cpu_count() or 1)
    rows = export_rows(db.session, index, clearing=clearing, listings=listings)
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["exchange"])
        writer.writeheader()
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
        text = buffer.getvalue()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"Wrote {len(rows)} rows to {output}.", err=True)


@click.group("mail")
def mail_group() -> None:
    """E-mail: read the local outbox (development, tests, or no MAIL_SERVER)."""


@mail_group.command("outbox")
@click.option("--limit", "-n", default=20, show_default=True, help="Show the newest N mails.")
@click.option("--full", is_flag=True, help="Print each mail's text, not just who and what.")
@click.option("--clear", is_flag=True, help="Delete every mail in the outbox afterwards.")
@with_appcontext
def mail_outbox_command(limit: int, full: bool, clear: bool) -> None:
    """List the mails in the outbox (MAIL_OUTBOX, default instance/outbox/), newest last."""
    from email import message_from_bytes
    from email.policy import default as default_policy

    from flask import current_app

    from exchange.infra.mail import read_outbox

    directory = Path(current_app.config.get("MAIL_OUTBOX")
                     or Path(current_app.instance_path) / "outbox")
    files = read_outbox(directory)
    click.echo(f"{len(files)} mail(s) in {directory}" + (":" if files else "."))
    for path in files[-limit:] if limit > 0 else []:
        mail = message_from_bytes(path.read_bytes(), policy=default_policy)
        click.echo(f"{path.name}  {mail['Date']}\n  To: {mail['To']}\n  Subject: {mail['Subject']}")
        if full:
            body = mail.get_body(preferencelist=("plain",))
            click.echo(textwrap.indent(body.get_content() if body else "", "  | "))
    if clear:
        for path in files:
            path.unlink(missing_ok=True)
        click.echo(f"Deleted {len(files)} mail(s).")


@click.command("db-grant-app-role")
@click.argument("role")
@with_appcontext
def db_grant_app_role_command(role: str) -> None:
    """Let ROLE, the login the app connects as, read and write rows and nothing more.

    Run it as the owner of the tables (the role that runs `flask db upgrade`), on PostgreSQL.
    """
    from exchange.infra.database import app_role_grants

    engine = db.engine
    if engine.dialect.name != "postgresql":
        click.echo("Roles exist on PostgreSQL only; SQLite has no roles to grant.", err=True)
        raise SystemExit(1)
    quote = engine.dialect.identifier_preparer.quote
    with engine.begin() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}):
            click.echo(f"No role {role!r}: create it first (CREATE ROLE ... LOGIN).", err=True)
            raise SystemExit(1)
        schema = conn.scalar(text("SELECT current_schema()"))
        for statement in app_role_grants(quote(role), quote(schema)):
            conn.exec_driver_sql(statement)
    click.echo(f"{role} may now read and write the rows of schema {schema}, and change "
               "nothing else.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(matching_group)
    app.cli.add_command(mail_group)
    for command in (create_admin_command, load_demo_data_command, scheduler_command,
                    run_job_command, import_data_command, export_data_command,
                    db_grant_app_role_command):
        app.cli.add_command(command)
