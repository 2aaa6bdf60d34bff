"""The root Mutation, assembled from its groups (schema/mutations/), in the order clients know it."""

from __future__ import annotations

import strawberry

from .mutations import organization_settings, project_settings, repositories


@strawberry.type(description="Writes. Each mutation is one transaction, recorded in the audit log.")
class Mutation:
    update_organization_settings = strawberry.mutation(
        resolver=organization_settings.update_organization_settings,
        description="Change an organization's settings and locks (org:admin).",
    )
    update_project_settings = strawberry.mutation(
        resolver=project_settings.update_project_settings,
        description="Change one project's overrides (project:admin).",
    )
    bulk_update_project_settings = strawberry.mutation(
        resolver=project_settings.bulk_update_project_settings,
        description="Change many projects at once, all or nothing (project:admin).",
    )
    reset_project_settings = strawberry.mutation(
        resolver=project_settings.reset_project_settings,
        description="Remove projects' overrides so that they inherit again (project:admin).",
    )
    set_stopping_point = strawberry.mutation(
        resolver=organization_settings.set_stopping_point,
        description="Set the stopping point of the organization (org:admin) and/or projects (project:admin).",
    )
    add_repository = strawberry.mutation(
        resolver=repositories.add_repository, description="Add a repository to a project (project:admin)."
    )
    update_repository = strawberry.mutation(
        resolver=repositories.update_repository,
        description="Switch a repository's AI on or off, or change its branches (project:admin).",
    )
    remove_repository = strawberry.mutation(
        resolver=repositories.remove_repository,
        description="Remove a repository from its project (project:admin).",
    )
    bulk_update_repositories = strawberry.mutation(
        resolver=repositories.bulk_update_repositories,
        description="Change many repositories at once, all or nothing (project:admin).",
    )
