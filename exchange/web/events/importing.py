"""The organiser's import of the participants' spreadsheet: upload, preview, confirm (see
exchange/core/events/importing.py), and the template to fill in."""
from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from exchange.core.errors import NotFound, ValidationError
from exchange.core.events import importing
from exchange.core.transfer import ImportRefused
from exchange.http import access
from exchange.http.bodies import takes_upload
from exchange.http.clock import utcnow
from exchange.http.extensions import db
from exchange.http.i18n import translate
from exchange.http.labels import CATEGORY_LABELS, KIND_LABELS, SECTOR_LABELS, UNIT_LABELS
from exchange.http.unit import unit_of_work
from exchange.infra.spreadsheet import csv_file, xlsx_file
from exchange.web.events.blueprint import bp
from models.event import StaffRole

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What each column of the file holds, for the page that explains it.
COLUMNS = (
    ("organization_ref", True, _l("Your own identifier of the organization, e.g. “kgw-1”. "
                                  "Importing again finds the organization by it.")),
    ("organization_name", True, _l("Name (on the organization's first row).")),
    ("organization_sector", True, _l("Sector, one of the codes below.")),
    ("organization_municipality", True, _l("Municipality.")),
    ("organization_contact_name", False, _l("Contact person.")),
    ("organization_contact_email", False, _l("Contact e-mail.")),
    ("organization_contact_phone", False, _l("Contact phone.")),
    ("attendees", False, _l("The people who come, separated by semicolons: "
                            "“Anna Nowak <anna@example.org>; Jan Kowalski”.")),
    ("ref", False, _l("Your own identifier of the offer or need, e.g. “kgw-1-sala”.")),
    ("kind", False, _l("offer or need.")),
    ("category", False, _l("Category, one of the codes below.")),
    ("title", False, _l("Title of the offer or need.")),
    ("description", False, _l("Description.")),
    ("quantity", False, _l("Quantity, a whole number.")),
    ("unit", False, _l("Unit, one of the codes below.")),
)


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (XLSX or CSV)"), validators=[FileRequired()],
                     description=_l("At most 2 MB."))


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the file itself stays on the server."""


def _page(form: UploadForm, *, kept=None, outcome=None, problems=(), status: int = 200):
    return render_template(
        "events/import.html", event=g.event, form=form, kept=kept, outcome=outcome,
        problems=list(problems), confirm_form=ConfirmForm(),
        # As plain text: a lazy string would reach the page unescaped, and "<e-mail>" with it.
        columns=[(name, required, str(what)) for name, required, what in COLUMNS],
        codes=((_l("Sectors"), SECTOR_LABELS), (_l("Kinds"), KIND_LABELS),
               (_l("Categories"), CATEGORY_LABELS), (_l("Units"), UNIT_LABELS)),
        translate=translate), status


@bp.route("/<int:event_id>/import", methods=["GET", "POST"])
@access.staff(StaffRole.ORGANISER)
@takes_upload
def import_participants(event_id: int):
    """Upload the file: its problems, or what importing it would do, with a button to do it."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    upload = form.file.data
    with unit_of_work():
        kept, outcome = importing.upload(db.session, current_user, event_id,
                                         upload.filename or "", upload.read(), utcnow())
    if outcome.problems:
        flash(gettext("The file was not imported and nothing was changed. Fix the problems "
                      "listed and try again."), "error")
        return _page(form, problems=outcome.problems, status=422)
    return _page(form, kept=kept, outcome=outcome)


@bp.route("/<int:event_id>/import/<int:import_id>", methods=["POST"])
@access.staff(StaffRole.ORGANISER)
def confirm_import(event_id: int, import_id: int):
    """Import the previewed file (once, however many times the button is pressed)."""
    if not ConfirmForm().validate():
        abort(400)
    try:
        with unit_of_work():
            outcome = importing.confirm(db.session, current_user, event_id, import_id,
                                        utcnow())
    except NotFound:
        abort(404)
    except ImportRefused as refused:
        flash(translate(refused.message), "error")
        return _page(UploadForm(), problems=refused.problems, status=422)
    except ValidationError as error:
        flash(translate(error.message), "error")
        return redirect(url_for("events.participants", event_id=event_id))
    flash(gettext("The file is imported: %(organizations)s, %(people)s, %(listings)s.",
                  organizations=_organizations(outcome), people=_people(outcome),
                  listings=_listings(outcome)), "success")
    return redirect(url_for("events.participants", event_id=event_id))


@bp.route("/<int:event_id>/import/template.<any(csv, xlsx):fmt>")
@access.staff(StaffRole.ORGANISER)
def import_template(event_id: int, fmt: str):
    """The columns with example rows, to fill in with Excel."""
    header, rows = importing.template()
    name = gettext("participants-template")
    if fmt == "xlsx":
        body, mimetype = xlsx_file(gettext("Participants"), header, rows), XLSX_TYPE
    else:
        body, mimetype = csv_file(header, rows), "text/csv"
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=f"{name}.{fmt}", max_age=0)


def _organizations(outcome: importing.Outcome) -> str:
    count = outcome.organizations_created + outcome.organizations_updated \
        + outcome.organizations_unchanged
    return ngettext("%(num)d organization", "%(num)d organizations", count)


def _people(outcome: importing.Outcome) -> str:
    return ngettext("%(num)d new person", "%(num)d new people", outcome.attendees_added)


def _listings(outcome: importing.Outcome) -> str:
    return ngettext("%(num)d new offer or need", "%(num)d new offers and needs",
                     outcome.listings_created)

