"""The words and forms of the partnerships' pages (exchange/web/partnerships.py): the labels
of kinds, states, formalisation and roles, the prompt for a missing sector, the history's
rows, and the forms."""
from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from exchange.core import partnerships as core
from exchange.core.errors import Forbidden, NotFound
from exchange.http.extensions import db
from models import (
    Formalisation,
    Partnership,
    PartnershipChangeKind,
    PartnershipKind,
    PartnershipRole,
    PartnershipState,
    Sector,
)

KIND_LABELS = {
    PartnershipKind.NEEDS: _l("Around diagnosed local needs"),
    PartnershipKind.STRATEGIC: _l("Strategic (long-term)"),
}
STATE_LABELS = {
    PartnershipState.FORMING: lazy_pgettext("partnership state", "forming"),
    PartnershipState.ACTIVE: lazy_pgettext("partnership state", "active"),
    PartnershipState.DORMANT: lazy_pgettext("partnership state", "dormant"),
    PartnershipState.ENDED: lazy_pgettext("partnership state", "ended"),
}
# What the button that moves the partnership to a state says.
STATE_ACTIONS = {
    PartnershipState.ACTIVE: _l("Mark as active"),
    PartnershipState.DORMANT: _l("Mark as dormant"),
    PartnershipState.ENDED: _l("End the partnership"),
}
FORMALISATION_LABELS = {
    Formalisation.NONE: _l("Not formalised"),
    Formalisation.DECLARATION: _l("By a declaration of cooperation"),
    Formalisation.AGREEMENT: _l("By a partnership agreement"),
}
PARTNERSHIP_ROLE_LABELS = {
    PartnershipRole.PARTNER: _l("partner organization"),
    PartnershipRole.ANIMATOR: _l("animator (adviser)"),
}
# The gentle prompt shown while a sector has no member yet.
MISSING_PROMPTS = {
    Sector.PUBLIC: _l("No public partner yet: invite, for example, the municipal office, a "
                      "school or the social-welfare centre."),
    Sector.NGO: _l("No social partner yet: invite, for example, a local association, a "
                   "rural women's circle or a sports club."),
    Sector.BUSINESS: _l("No business partner yet: invite, for example, a local company, a bank "
                        "or a shop."),
}


def load_partnership(partnership_id: int, *, manage: bool = False) -> Partnership:
    """The partnership the current user reads (a 404 otherwise, as for none); with MANAGE,
    a 403 unless they also manage it. Every partnership page loads it so."""
    try:
        return core.get_partnership(db.session, current_user, partnership_id, manage=manage)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def change_label(change) -> str:
    return {
        PartnershipChangeKind.CREATED: lambda: pgettext("partnership change", "created"),
        PartnershipChangeKind.INVITED: lambda: pgettext("partnership change", "invitation sent"),
        PartnershipChangeKind.INVITATION_RESENT: lambda: pgettext("partnership change",
                                                                  "invitation sent again"),
        PartnershipChangeKind.INVITATION_REVOKED: lambda: pgettext("partnership change",
                                                                   "invitation withdrawn"),
        PartnershipChangeKind.DECLINED: lambda: pgettext("partnership change",
                                                         "invitation declined"),
        PartnershipChangeKind.JOINED: lambda: pgettext("partnership change", "joined"),
        PartnershipChangeKind.LEFT: lambda: pgettext("partnership change", "left"),
        PartnershipChangeKind.COORDINATOR_CHANGED: lambda: pgettext("partnership change",
                                                                    "new coordinator"),
        PartnershipChangeKind.ANIMATOR_JOINED: lambda: pgettext("partnership change",
                                                                "animator joined"),
        PartnershipChangeKind.ANIMATOR_REMOVED: lambda: pgettext("partnership change",
                                                                 "animator removed"),
        PartnershipChangeKind.STATE_CHANGED: lambda: pgettext("partnership change",
                                                              "state changed"),
        PartnershipChangeKind.DECLARATION_PREPARED: lambda: pgettext(
            "partnership change", "declaration prepared for signing"),
        PartnershipChangeKind.DECLARATION_AMENDED: lambda: pgettext(
            "partnership change", "amendment to the declaration proposed"),
        PartnershipChangeKind.MEMBER_REMOVED: lambda: pgettext("partnership change",
                                                               "removed from the partnership"),
        PartnershipChangeKind.LEAD_CHANGED: lambda: pgettext("partnership change",
                                                             "new leading institution"),
    }[change.kind]()


def change_detail(change) -> str:
    if change.kind is PartnershipChangeKind.STATE_CHANGED and change.detail:
        return str(STATE_LABELS[PartnershipState(change.detail)])
    if change.kind in (PartnershipChangeKind.DECLARATION_PREPARED,
                       PartnershipChangeKind.DECLARATION_AMENDED):
        return change.detail  # the contract's number (and version)
    if change.detail in {r.value for r in PartnershipRole}:
        return str(PARTNERSHIP_ROLE_LABELS[PartnershipRole(change.detail)])
    return ""


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name of the partnership"),
                       validators=[DataRequired(), Length(max=core.NAME_MAX)])
    municipalities = StringField(
        _l("Municipalities"), description=_l("One or more, separated by commas."),
        validators=[DataRequired(), Length(max=1000)])
    goal = TextAreaField(_l("Shared problem or goal"),
                         description=_l("What the partners want to change together."),
                         validators=[DataRequired(), Length(max=core.GOAL_MAX)])
    kind = SelectField(_l("Kind of partnership"), choices=[], validators=[DataRequired()])
    formalisation = SelectField(_l("Formalised"), choices=[],
                                default=Formalisation.NONE.value)
    is_public = BooleanField(
        _l("Show a public page"),
        description=_l("Anyone sees the name, the goal and the member organizations with their "
                       "sectors; never people's names or contacts."))
    quiet_weeks = IntegerField(
        _l("Weeks without contact before a partner counts as quiet"),
        default=core.QUIET_WEEKS_DEFAULT,
        description=_l("The coordinator is told once when a partner has not been in touch for "
                       "this long (1–52 weeks)."),
        validators=[Optional(), NumberRange(min=core.QUIET_WEEKS_MIN, max=core.QUIET_WEEKS_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
        self.formalisation.choices = [SelectChoice(f.value, label)
                                      for f, label in FORMALISATION_LABELS.items()]


class NewPartnershipForm(PartnershipForm):
    lead_id = SelectField(_l("Leading institution"), choices=[], validators=[DataRequired()])
    coordinator_id = SelectField(
        _l("Coordinator"), choices=[],
        description=_l("A person of the leading institution who keeps the partners in touch."))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(),
                                                         Length(max=254)])
    role = SelectField(_l("Invite as"), choices=[], default=PartnershipRole.PARTNER.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, label)
                             for r, label in PARTNERSHIP_ROLE_LABELS.items()]


class CoordinatorForm(FlaskForm):
    coordinator_id = SelectField(_l("New coordinator"), choices=[])


class AcceptForm(FlaskForm):
    org_id = SelectField(_l("Join as"), choices=[])


class ButtonForm(FlaskForm):
    """Only the CSRF token, for the buttons."""


def _join_form_base():
    from exchange.web.invitations import InvitedAccountForm  # its fields, for the invited address
    return InvitedAccountForm


class JoinAsNewForm(_join_form_base()):
    """An invited person without an account: their account (name, password twice, the
    privacy notice while one is published) and, for a partner's invitation, the organization
    they join for. The organization's fields are dropped for the animator's invitation."""

    org_name = StringField(_l("Name of the organization"), validators=[DataRequired(),
                                                                        Length(max=200)])
    org_sector = SelectField(_l("Sector"), choices=[], validators=[DataRequired()])
    org_municipality = StringField(
        _l("Municipality"), description=_l("The municipality (gmina) where you mostly act."),
        validators=[DataRequired(), Length(max=120)])

    def __init__(self, *args, partner: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from exchange.http.labels import SECTOR_LABELS
        from models import Sector

        if partner:
            self.org_sector.choices = [SelectChoice("", _l("Choose…"))] + [
                SelectChoice(s.value, SECTOR_LABELS[s]) for s in Sector]
        else:
            for name in ("org_name", "org_sector", "org_municipality"):
                delattr(self, name)
