"""The root Mutation, assembled from its groups (schema/mutations/), in the order clients know it."""

from __future__ import annotations

import strawberry

from .mutations import organization_settings, project_settings, repositories, save_settings, settings_saved


@strawberry.type(description="Writes. Each mutation is one transaction, recorded in the audit log.")
class Mutation:
    update_organization_settings = organization_settings.update_organization_settings
    update_project_settings = project_settings.update_project_settings
    bulk_update_project_settings = project_settings.bulk_update_project_settings
    reset_project_settings = project_settings.reset_project_settings
    set_stopping_point = organization_settings.set_stopping_point
    save_settings = save_settings.save_settings
    add_repository = repositories.add_repository
    update_repository = repositories.update_repository
    remove_repository = repositories.remove_repository
    bulk_update_repositories = repositories.bulk_update_repositories
    record_settings_saved = settings_saved.record_settings_saved
