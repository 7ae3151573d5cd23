"""Command-line commands: `flask --app app <command>`."""
from __future__ import annotations

import click
from flask import Flask

from exchange import accounts
from exchange.errors import ValidationError
from exchange.extensions import db
from exchange.web.util import utcnow


def _fail_with(error: ValidationError) -> None:
    for field, messages in error.errors.items():
        for message in messages:
            click.echo(f"{field or 'error'}: {message}", err=True)
    raise SystemExit(1)


@click.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email (an existing account is promoted).")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(help="Needed only when the account does not exist yet.")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a site administrator, or make an existing user one."""
    try:
        user, created = accounts.create_admin(db.session, email=email, name=name,
                                              password=password, now=utcnow())
    except ValidationError as error:
        db.session.rollback()
        _fail_with(error)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Promoted'} administrator {user.email}.")


@click.command("load-demo-data")
def load_demo_data_command() -> None:
    """Load the demo county (organizations, members, logins) once; later runs change nothing."""
    from exchange.demo import load_demo_data

    loaded = load_demo_data(db.session, now=utcnow())
    db.session.commit()
    click.echo("Demo data loaded." if loaded else "Demo data is already there; nothing changed.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_admin_command)
    app.cli.add_command(load_demo_data_command)
