"""recordSettingsSaved: the settings page's report of a successful save, written to the outbox as an
`ai_settings_save_success` event in a unit of work of its own (the save committed before it).

The page is a client like any other, so what it reports is checked (a known kind of settings, a time
within a day) and limited per browser session or API token across every worker: the counter lives in the
database and is taken in the event's transaction, so a refused report writes nothing, not even its count."""

from __future__ import annotations

import datetime as dt

from aisettings.models import rate_limits
from aisettings.models.access import Permission
from aisettings.models.limits import (
    MAX_SAVE_REPORTS,
    MAX_TIME_TO_COMPLETE_MILLISECONDS,
    SAVE_REPORTS_WINDOW_SECONDS,
)
from aisettings.models.tables import utc_now
from aisettings.resolvers.context import Context

from .errors import UserErrorCode, fail
from .events import SavedSettingsType, save_success_event
from .targets import authorize
from .unit_of_work import mutation_unit

TIME_TO_COMPLETE = ["input", "timeToCompleteMilliseconds"]
SETTINGS_TYPE = ["input", "settingsType"]
# The permission each kind of save needs (the mutations' own).
SAVED_WITH = {
    SavedSettingsType.ORGANIZATION: Permission.ADMINISTER_ORGANIZATION,
    SavedSettingsType.PROJECT: Permission.ADMINISTER_PROJECTS,
    SavedSettingsType.REPOSITORY: Permission.ADMINISTER_PROJECTS,
    SavedSettingsType.BULK: Permission.ADMINISTER_PROJECTS,
}
WINDOW = dt.timedelta(seconds=SAVE_REPORTS_WINDOW_SECONDS)
RATE_LIMITED = (
    f"This session reported more than {MAX_SAVE_REPORTS} saves in {SAVE_REPORTS_WINDOW_SECONDS // 60} "
    "minutes; later reports are accepted once that time has passed."
)


async def record_settings_saved(
    context: Context, settings_type: SavedSettingsType, time_to_complete_milliseconds: int
) -> None:
    if not 0 <= time_to_complete_milliseconds <= MAX_TIME_TO_COMPLETE_MILLISECONDS:
        raise fail(
            TIME_TO_COMPLETE,
            UserErrorCode.INVALID_VALUE,
            f"The time to complete must be between 0 and {MAX_TIME_TO_COMPLETE_MILLISECONDS} milliseconds "
            "(a day).",
        )
    viewer = context.viewer
    # Only who may make such a save reports one: a member's report would be an invented event.
    authorize(viewer, viewer.organization_id, SAVED_WITH[settings_type], SETTINGS_TYPE)
    async with mutation_unit(context) as unit:
        key = f"settings-saved:{viewer.credential_hash}"
        if not await rate_limits.take(unit.connection, key, MAX_SAVE_REPORTS, WINDOW, utc_now()):
            raise fail(None, UserErrorCode.RATE_LIMITED, RATE_LIMITED)
        unit.audit(viewer.organization_id).emit(
            save_success_event(settings_type, time_to_complete_milliseconds)
        )
