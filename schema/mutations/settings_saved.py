"""recordSettingsSaved: the settings page's report of a successful save, for the launch's analytics."""

from __future__ import annotations

from typing import Annotated

import strawberry

from aisettings.models.limits import (
    MAX_SAVE_REPORTS,
    MAX_TIME_TO_COMPLETE_MILLISECONDS,
    SAVE_REPORTS_WINDOW_SECONDS,
)
from aisettings.resolvers.mutations import settings_saved as recording
from aisettings.resolvers.mutations.events import SavedSettingsType

from ..enums import register_enum
from ..types import Info
from .payloads import INPUT, MutationInput, MutationPayload, payload

register_enum(
    SavedSettingsType,
    "What a save was about.",
    {
        "ORGANIZATION": "The organization's settings (with or without projects' overrides).",
        "PROJECT": "Projects' overrides only.",
        "REPOSITORY": "A repository's configuration.",
        "BULK": "A bulk change of projects' settings.",
    },
)


@strawberry.input(description="A save that succeeded, as the settings page measured it.")
class RecordSettingsSavedInput(MutationInput):
    settings_type: SavedSettingsType = strawberry.field(description="What the save was about.")
    time_to_complete_milliseconds: int = strawberry.field(
        description="Milliseconds from the first edit of the saved draft to the save's success, 0 to "
        f"{MAX_TIME_TO_COMPLETE_MILLISECONDS} (a day)."
    )


@strawberry.type(description="The result of recordSettingsSaved.")
class RecordSettingsSavedPayload(MutationPayload):
    recorded: bool = strawberry.field(
        default=False, description="Whether the event was written; false on error."
    )


@strawberry.mutation(
    description="Record an `ai_settings_save_success` analytics event of the viewer's organization: sent by "
    f"the settings page after a save. At most {MAX_SAVE_REPORTS} a session (or token) in "
    f"{SAVE_REPORTS_WINDOW_SECONDS // 60} minutes; more are refused with RATE_LIMITED."
)
async def record_settings_saved(
    info: Info, input: Annotated[RecordSettingsSavedInput, INPUT]
) -> RecordSettingsSavedPayload:
    return await payload(
        RecordSettingsSavedPayload,
        input.client_mutation_id,
        recording.record_settings_saved(
            info.context, input.settings_type, input.time_to_complete_milliseconds
        ),
        lambda _: {"recorded": True},
    )
